package io.satstream.jobs.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.satstream.jobs.TestTiles;
import io.satstream.jobs.TileRejectedException;
import io.satstream.jobs.records.DecodedTile;
import io.satstream.jobs.records.RawTileRecord;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.DataType;
import io.satstream.schemas.Tile;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class TileDecodingTest {
    private final TileDecoding decoding = new TileDecoding(16L * 1024 * 1024);

    private static RawTileRecord raw(String key, byte[] value) {
        return new RawTileRecord(key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, null, "tiles", 0, 42L,
                1_700_000_000_000L);
    }

    @Test
    void avroTileDecodesAndKeepsItsBytes() {
        Tile tile = TestTiles.rgb("t-1", 32, 24, 1);
        byte[] bytes = AvroCodec.tile().encode(tile);
        DecodedTile d = decoding.decode(raw("t-1", bytes));
        assertThat(d.tileId).isEqualTo("t-1");
        assertThat(d.tileAvro).isSameAs(bytes);
        assertThat(d.tile(AvroCodec.tile())).isEqualTo(tile);
    }

    @Test
    void realJpegFromSharedDataBecomesAnRgbTileNamedByItsKey() throws Exception {
        Path jpg = TestTiles.sharedData().resolve("dubai-aerial-semseg/Tile 1/images/image_part_001.jpg");
        DecodedTile d = decoding.decode(raw("my-tile", Files.readAllBytes(jpg)));
        Tile t = d.tile(AvroCodec.tile());
        assertThat(d.tileId).isEqualTo("my-tile");
        assertThat(t.getWidth()).isEqualTo(797);
        assertThat(t.getHeight()).isEqualTo(644);
        assertThat(t.getBands()).containsExactly("red", "green", "blue");
        assertThat(t.getDataType()).isEqualTo(DataType.UINT8);
        // The DLQ would get the original JPEG bytes, and the Avro form decodes to the same tile.
        assertThat(AvroCodec.tile().decode(d.tileAvro)).isEqualTo(t);
    }

    @Test
    void keylessRawImageGetsAnIdFromItsOffset() throws Exception {
        Path jpg = TestTiles.sharedData().resolve("dubai-aerial-semseg/Tile 2/images/image_part_001.jpg");
        assertThat(decoding.decode(raw(null, Files.readAllBytes(jpg))).tileId).isEqualTo("raw-tiles-0-42");
    }

    @Test
    void garbageTruncatedAndEmptyRecordsAreRejectedWithAReason() throws Exception {
        assertRejected(raw("g", "definitely not an image".getBytes()), "decode", "not an Avro Tile");
        assertRejected(raw("e", new byte[0]), "decode", "empty");
        assertRejected(raw("n", null), "decode", "empty");
        byte[] jpg = Files.readAllBytes(TestTiles.sharedData().resolve("dubai-aerial-semseg/Tile 1/images/image_part_002.jpg"));
        assertRejected(raw("cut", Arrays.copyOf(jpg, jpg.length / 3)), "decode", "JPEG");
        byte[] avro = AvroCodec.tile().encode(TestTiles.rgb("t", 16, 16, 2));
        assertRejected(raw("t", Arrays.copyOf(avro, avro.length - 100)), "decode", "Tile");
    }

    @Test
    void structurallyWrongTilesAreRejectedAtValidation() {
        Tile wrongSize = TestTiles.rgb("w", 16, 16, 3);
        wrongSize.setPixels(ByteBuffer.wrap(new byte[100]));
        assertRejected(raw("w", AvroCodec.tile().encode(wrongSize)), "validate", "expected 768");
        Tile zero = TestTiles.rgb("z", 16, 16, 3);
        zero.setWidth(0);
        assertRejected(raw("z", AvroCodec.tile().encode(zero)), "validate", "dimensions 0x16");
        assertRejected(raw("other-key", AvroCodec.tile().encode(TestTiles.rgb("k", 8, 8, 1))), "validate",
                "differs from the tile id");
        Tile noBands = TestTiles.rgb("b", 8, 8, 1);
        noBands.setBands(List.of());
        noBands.setPixels(ByteBuffer.wrap(new byte[0]));
        assertRejected(raw("b", AvroCodec.tile().encode(noBands)), "validate", "no bands");
        Tile badGt = TestTiles.rgb("gt", 8, 8, 1);
        badGt.getGeoref().setGeoTransform(List.of(1.0, 2.0));
        assertRejected(raw("gt", AvroCodec.tile().encode(badGt)), "validate", "6 values");
    }

    @Test
    void tilesAboveThePixelLimitAreRejectedBeforeInference() {
        TileDecoding small = new TileDecoding(1000);
        assertThatThrownBy(() -> small.decode(raw("big", AvroCodec.tile().encode(TestTiles.rgb("big", 64, 64, 1)))))
                .isInstanceOf(TileRejectedException.class)
                .hasMessageContaining("more than the limit of 1000");
    }

    private void assertRejected(RawTileRecord record, String stage, String reason) {
        assertThatThrownBy(() -> decoding.decode(record))
                .isInstanceOfSatisfying(TileRejectedException.class, e -> assertThat(e.stage()).isEqualTo(stage))
                .hasMessageContaining(reason);
    }
}
