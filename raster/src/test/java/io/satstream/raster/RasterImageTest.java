package io.satstream.raster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.satstream.schemas.DataType;
import io.satstream.schemas.GeoReference;
import io.satstream.schemas.Tile;

class RasterImageTest {
    @Test
    void validatesTheBufferAgainstSizeBandsAndType() {
        assertThatThrownBy(() -> new RasterImage(2, 2, List.of("red"), DataType.UINT16, new byte[4], null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pixel buffer holds 4 bytes, but 2x2x1 UINT16 needs 8");
        assertThatThrownBy(() -> new RasterImage(0, 2, List.of("red"), DataType.UINT8, new byte[0], null, null))
                .hasMessage("raster size must be positive, got 0x2");
        assertThatThrownBy(() -> new RasterImage(1, 1, List.of(), DataType.UINT8, new byte[0], null, null))
                .hasMessage("a raster needs at least one band");
    }

    @Test
    void samplesAreReadPlanarAndLittleEndian() {
        // 2x1, two float32 bands: band0 = [1.5, -2], band1 = [3, 4]
        ByteBuffer buffer = ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        buffer.putFloat(1.5f).putFloat(-2f).putFloat(3f).putFloat(4f);
        RasterImage image = new RasterImage(2, 1, List.of("a", "b"), DataType.FLOAT32, buffer.array(), null, null);
        assertThat(image.bandCount()).isEqualTo(2);
        assertThat(image.pixelCount()).isEqualTo(2);
        assertThat(image.sample(0, 1, 0)).isEqualTo(-2.0);
        assertThat(image.sample(1, 0, 0)).isEqualTo(3.0);
        assertThatThrownBy(() -> image.sample(2, 0, 0)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void fromTileSeesTheTilesPixelsAndGeoreference() {
        GeoReference georef = GeoReference.newBuilder().setEpsg(32616)
                .setGeoTransform(List.of(1.0, 0.5, 0.0, 2.0, 0.0, -0.5)).build();
        Tile tile = Tile.newBuilder().setTileId("t").setSource("test").setIngestedAt(Instant.EPOCH)
                .setWidth(2).setHeight(1).setBands(List.of("gray")).setDataType(DataType.UINT16)
                .setPixels(ByteBuffer.wrap(new byte[] {1, 0, (byte) 0xFF, (byte) 0xFF})).setNodata(0.0)
                .setGeoref(georef).build();

        RasterImage image = RasterImage.fromTile(tile);

        assertThat(image.sample(0, 0, 0)).isEqualTo(1);
        assertThat(image.sample(0, 1, 0)).isEqualTo(65535);
        assertThat(image.georef()).isEqualTo(georef);
        assertThat(image.nodata()).isEqualTo(0.0);
        assertThat(image).isEqualTo(new RasterImage(2, 1, List.of("gray"), DataType.UINT16,
                new byte[] {1, 0, (byte) 0xFF, (byte) 0xFF}, 0.0, georef));
    }
}
