package io.satstream.ingest.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.satstream.raster.RasterImage;
import io.satstream.raster.WebMercator;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.DataType;
import io.satstream.schemas.GeoReference;
import io.satstream.schemas.Tile;

class SyntheticFeedTest {
    private static final Instant NOW = Instant.parse("2025-06-01T10:15:30Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void tilesCarryTheScenePixelsLabelsAndIdentity() {
        try (SyntheticFeed feed = new SyntheticFeed("run1", 7, 128, 3, CLOCK)) {
            Tile tile = feed.next().orElseThrow();
            LabeledScene scene = new SyntheticSceneGenerator(7, 128).generate(0);

            assertThat(tile.getTileId()).isEqualTo("synthetic-run1-00000000");
            assertThat(tile.getSceneId()).isEqualTo(tile.getTileId());
            assertThat(tile.getSource()).isEqualTo("synthetic");
            assertThat(tile.getWidth()).isEqualTo(128);
            assertThat(tile.getHeight()).isEqualTo(128);
            assertThat(tile.getBands()).containsExactly("red", "green", "blue");
            assertThat(tile.getDataType()).isEqualTo(DataType.UINT8);
            assertThat(bytes(tile.getPixels())).isEqualTo(scene.rgbPlanar());
            assertThat(bytes(tile.getLabelMask())).isEqualTo(scene.labels());
            assertThat(tile.getLabelClasses()).isEqualTo(SyntheticSceneGenerator.CLASS_NAMES);
            assertThat(tile.getIngestedAt()).isEqualTo(NOW);
            assertThat(tile.getAcquiredAt()).isEqualTo(NOW);
            assertThat(tile.getNodata()).isNull();
            assertThat(tile.getAttributes()).containsEntry("seed", "7").containsEntry("index", "0");
            assertThat(feed.next().orElseThrow().getTileId()).isEqualTo("synthetic-run1-00000001");
        }
    }

    @Test
    void aCountedFeedEndsAndSaysSo() {
        try (SyntheticFeed feed = new SyntheticFeed("r", 1, 32, 2)) {
            assertThat(feed.exhausted()).isFalse();
            assertThat(feed.next()).isPresent();
            assertThat(feed.next()).isPresent();
            assertThat(feed.exhausted()).isTrue();
            assertThat(feed.next()).isEmpty();
            assertThat(feed.produced()).isEqualTo(2);
        }
        try (SyntheticFeed empty = new SyntheticFeed("r", 1, 32, 0)) {
            assertThat(empty.exhausted()).isTrue();
            assertThat(empty.next()).isEmpty();
        }
        try (SyntheticFeed unbounded = new SyntheticFeed("r", 1, 32, -1)) {
            for (int i = 0; i < 40; i++) {
                assertThat(unbounded.next()).isPresent();
            }
            assertThat(unbounded.exhausted()).isFalse();
        }
    }

    @Test
    void tilesAreAlignedZoom18WebMercatorTiles() {
        try (SyntheticFeed feed = new SyntheticFeed("geo", 11, 256, -1, CLOCK)) {
            double pixel = WebMercator.tileSpan(18) / 256;
            for (int n = 0; n < 40; n++) {
                GeoReference georef = feed.next().orElseThrow().getGeoref();
                assertThat(georef.getEpsg()).isEqualTo(3857);
                assertThat(georef.getXyz().getZ()).isEqualTo(18);
                List<Double> gt = georef.getGeoTransform();
                assertThat(gt.get(1)).isEqualTo(pixel, within(1e-12)).isCloseTo(0.6, within(0.01));
                assertThat(gt.get(5)).isEqualTo(-pixel, within(1e-12));
                // the XYZ address names exactly this tile
                List<Double> fromXyz = WebMercator.geoTransform(georef.getXyz(), 256, 256);
                for (int i = 0; i < 6; i++) {
                    assertThat(gt.get(i)).as("tile %d, gt[%d]", n, i).isEqualTo(fromXyz.get(i), within(1e-6));
                }
            }
        }
    }

    @Test
    void tilesFillRowsOfSixteenColumns() {
        try (SyntheticFeed feed = new SyntheticFeed("grid", 11, 512, -1, CLOCK)) {
            GeoReference first = feed.tile(0).getGeoref();
            GeoReference second = feed.tile(1).getGeoref();
            GeoReference below = feed.tile(SyntheticFeed.COLUMNS).getGeoref();
            double span = 512 * first.getGeoTransform().get(1);
            assertThat(second.getGeoTransform().get(0) - first.getGeoTransform().get(0)).isEqualTo(span, within(1e-6));
            assertThat(first.getGeoTransform().get(3) - below.getGeoTransform().get(3)).isEqualTo(span, within(1e-6));
            assertThat(below.getGeoTransform().get(0)).isEqualTo(first.getGeoTransform().get(0), within(1e-6));
            // a 512-px tile covers 2x2 zoom-18 tiles; its address is the top-left one
            assertThat(second.getXyz().getX() - first.getXyz().getX()).isEqualTo(2);
            assertThat(below.getXyz().getY() - first.getXyz().getY()).isEqualTo(2);
        }
    }

    @Test
    void tilesSurviveTheAvroRoundTrip() {
        AvroCodec<Tile> codec = AvroCodec.tile();
        try (SyntheticFeed feed = new SyntheticFeed("avro", 3, 64, 5, CLOCK)) {
            Optional<Tile> next;
            while ((next = feed.next()).isPresent()) {
                Tile tile = next.get();
                Tile back = codec.decode(codec.encode(tile));
                assertThat(back).isEqualTo(tile);
                RasterImage image = RasterImage.fromTile(back);
                assertThat(image.bands()).containsExactly("red", "green", "blue");
                assertThat(image.pixels()).isEqualTo(bytes(tile.getPixels()));
                assertThat(image.georef()).isEqualTo(tile.getGeoref());
            }
        }
    }

    @Test
    void badArgumentsAndUseAfterCloseAreRefused() {
        assertThatThrownBy(() -> new SyntheticFeed("has space", 1, 64, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("run id");
        assertThatThrownBy(() -> new SyntheticFeed("ok", 1, 64, -2)).isInstanceOf(IllegalArgumentException.class);
        SyntheticFeed feed = new SyntheticFeed("ok", 1, 64, 1);
        feed.close();
        assertThatThrownBy(feed::next).isInstanceOf(IllegalStateException.class).hasMessage("feed ok is closed");
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
