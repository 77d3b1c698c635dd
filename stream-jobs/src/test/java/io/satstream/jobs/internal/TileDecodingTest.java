package io.satstream.jobs.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.satstream.jobs.TestTiles;
import io.satstream.jobs.TileRejectedException;
import io.satstream.jobs.records.DecodedTile;
import io.satstream.jobs.records.RawTileRecord;
import io.satstream.raster.RasterDecoder;
import io.satstream.raster.RasterImage;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.DataType;
import io.satstream.schemas.InputLimits;
import io.satstream.schemas.LyingLengths;
import io.satstream.schemas.Tile;
import io.satstream.testing.oracles.Gdal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TileDecodingTest {
    private final TileDecoding decoding = new TileDecoding(InputLimits.defaults());

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
    void avroTileValidityIsComputedOnceFromNodataMaskAndPlacement() {
        Tile plain = TestTiles.rgb("all-data", 16, 8, 4);
        assertThat(decoding.decode(raw("all-data", AvroCodec.tile().encode(plain))).valid)
                .as("every pixel has data: no array").isNull();

        // Past the scene's right edge at x = 12, and no data in the internal mask at pixel 0.
        byte[] validMask = new byte[16 * 8];
        Arrays.fill(validMask, (byte) 1);
        validMask[0] = 0;
        Tile edge = Tile.newBuilder(TestTiles.rgb("edge", 16, 8, 4))
                .setValidMask(ByteBuffer.wrap(validMask))
                .setPlacement(io.satstream.schemas.TilePlacement.newBuilder().setRow(0).setCol(3).setXOffset(48)
                        .setYOffset(0).setSceneWidth(60).setSceneHeight(8).setOverlap(0).build())
                .build();
        byte[] valid = decoding.decode(raw("edge", AvroCodec.tile().encode(edge))).valid;
        for (int p = 0; p < valid.length; p++) {
            boolean data = p != 0 && p % 16 < 12;
            assertThat(valid[p] != 0).as("pixel (%d, %d)", p % 16, p / 16).isEqualTo(data);
        }
    }

    @Test
    void aValidMaskOfTheWrongSizeIsRejectedAtValidation() {
        Tile t = Tile.newBuilder(TestTiles.rgb("vm", 8, 8, 1)).setValidMask(ByteBuffer.wrap(new byte[10])).build();
        assertRejected(raw("vm", AvroCodec.tile().encode(t)), "validate", "valid mask has 10 bytes, expected 64");
    }

    /** RGB.byte.tif: nodata 0, a black collar around the rotated Landsat scene. */
    @Test
    void rawGeoTiffWithNodataHasNoDataExactlyWhereEveryBandIsZero() throws Exception {
        byte[] tif = Files.readAllBytes(TestTiles.sharedData().resolve("rasterio-landsat-rgb/RGB.byte.tif"));
        DecodedTile d = decoding.decode(raw("landsat", tif));
        Tile t = d.tile(AvroCodec.tile());
        assertThat(t.getNodata()).isEqualTo(0.0);

        RasterImage image = new RasterDecoder().decode(tif);
        int n = image.pixelCount();
        byte[] px = image.pixels();
        int collar = 0;
        for (int i = 0; i < n; i++) {
            boolean allZero = px[i] == 0 && px[n + i] == 0 && px[2 * n + i] == 0;
            if ((d.valid[i] == 0) != allZero) {
                throw new AssertionError("pixel " + i + ": bands " + (px[i] & 0xFF) + "/" + (px[n + i] & 0xFF) + "/"
                        + (px[2 * n + i] & 0xFF) + " but validity " + d.valid[i]);
            }
            collar += allZero ? 1 : 0;
        }
        assertThat(collar).as("the collar is large, the scene larger").isBetween(n / 10, n / 2);
    }

    /** cogeo.tif has an internal mask band (GDAL reads it as all data): it must reach the Avro tile. */
    @Test
    void aRawTiffsInternalMaskTravelsInTheTile() throws Exception {
        byte[] tif = Files.readAllBytes(TestTiles.sharedData().resolve("rasterio-landsat-rgb/cogeo.tif"));
        DecodedTile d = decoding.decode(raw("cog", tif));
        RasterImage image = new RasterDecoder().decode(tif);
        assertThat(image.validMask()).as("the decoder reads the internal mask").isNotNull();
        assertThat(bytes(d.tile(AvroCodec.tile()).getValidMask())).isEqualTo(image.validMask());
        assertThat(bytes(AvroCodec.tile().decode(d.tileAvro).getValidMask())).isEqualTo(image.validMask());
        assertThat(d.valid).as("every pixel has data").isNull();
    }

    /** The Landsat collar turned into an internal mask by GDAL, nodata removed: validity follows the mask. */
    @Test
    void aRawTiffsInternalMaskMarksItsPixelsWithoutData(@TempDir Path tmp) throws Exception {
        Gdal.require();
        Path masked = tmp.resolve("masked.tif");
        Gdal.translate(TestTiles.sharedData().resolve("rasterio-landsat-rgb/RGB.byte.tif"), masked,
                List.of("-a_nodata", "none", "-mask", "1", "--config", "GDAL_TIFF_INTERNAL_MASK", "YES"));

        byte[] tif = Files.readAllBytes(masked);
        DecodedTile d = decoding.decode(raw("masked", tif));
        RasterImage image = new RasterDecoder().decode(tif);
        assertThat(image.nodata()).isNull();
        assertThat(bytes(d.tile(AvroCodec.tile()).getValidMask())).isEqualTo(image.validMask());
        int without = 0;
        for (int i = 0; i < image.pixelCount(); i++) {
            if ((d.valid[i] == 0) != (image.validMask()[i] == 0)) {
                throw new AssertionError("pixel " + i + ": mask " + image.validMask()[i] + ", validity " + d.valid[i]);
            }
            without += d.valid[i] == 0 ? 1 : 0;
        }
        assertThat(without).isBetween(image.pixelCount() / 10, image.pixelCount() / 2);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        assertThat(buffer).isNotNull();
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
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
        TileDecoding small = new TileDecoding(InputLimits.builder().maxPixels(1000).build());
        assertThatThrownBy(() -> small.decode(raw("big", AvroCodec.tile().encode(TestTiles.rgb("big", 64, 64, 1)))))
                .isInstanceOf(TileRejectedException.class)
                .hasMessageContaining("more than the limit of 1000");
    }

    private static RawTileRecord rawWithKey(byte[] key, byte[] value, byte[] sourceHeader) {
        return new RawTileRecord(key, value, sourceHeader, "tiles", 0, 42L, 1_700_000_000_000L);
    }

    @Test
    void aMissingOrEmptyKeyTakesTheTileIdFromTheTile() {
        byte[] bytes = AvroCodec.tile().encode(TestTiles.rgb("from-tile", 16, 16, 1));
        assertThat(decoding.decode(rawWithKey(null, bytes, null)).tileId).isEqualTo("from-tile");
        assertThat(decoding.decode(rawWithKey(new byte[0], bytes, null)).tileId).isEqualTo("from-tile");
    }

    @Test
    void aKeyThatIsNotUtf8TextIsRefusedNamingItsBytes() {
        byte[] bytes = AvroCodec.tile().encode(TestTiles.rgb("t", 16, 16, 1));
        assertRejected(rawWithKey(new byte[] {(byte) 0xFF, (byte) 0xFE, 0x00, 0x41}, bytes, null), "validate",
                "record key is not UTF-8 text (first bytes: FF FE 00 41)");
    }

    @Test
    void aKeyOrTileIdLongerThanTheKeyLimitIsRefused() {
        String longId = "k".repeat(InputLimits.DEFAULT_MAX_KEY_BYTES + 1);
        byte[] bytes = AvroCodec.tile().encode(TestTiles.rgb(longId, 16, 16, 1));
        assertRejected(raw(longId, bytes), "validate", "record key of 1025 bytes is longer than the limit of 1024");
        assertRejected(raw(null, bytes), "validate", "tile id of 1025 bytes is longer than the limit of 1024");
    }

    @Test
    void aRawImagesSourceHeaderMustBeShortUtf8AndAnAvroTileIgnoresIt() throws Exception {
        byte[] jpeg = Files.readAllBytes(TestTiles.sharedData().resolve(
                "dubai-aerial-semseg/Tile 1/images/image_part_001.jpg"));
        byte[] binary = {(byte) 0xC3, 0x28};
        assertRejected(rawWithKey("j".getBytes(StandardCharsets.UTF_8), jpeg, binary), "validate",
                "source header is not UTF-8 text");
        assertRejected(rawWithKey("j".getBytes(StandardCharsets.UTF_8), jpeg, new byte[70_000]), "validate",
                "source header of 70000 bytes is longer than the limit of " + InputLimits.DEFAULT_MAX_STRING_BYTES);
        assertThat(decoding.decode(rawWithKey("j".getBytes(StandardCharsets.UTF_8), jpeg,
                "camera-7".getBytes(StandardCharsets.UTF_8))).tile(AvroCodec.tile()).getSource()).isEqualTo("camera-7");
        // the tile carries its own source; the header is not read
        byte[] avro = AvroCodec.tile().encode(TestTiles.rgb("a", 16, 16, 1));
        assertThat(decoding.decode(rawWithKey(null, avro, binary)).tileId).isEqualTo("a");
    }

    @Test
    void aOneKilobyteTileClaimingTwoGigabytesOfPixelsIsRefusedForKilobytesOfHeap() {
        Tile base = TestTiles.rgb("liar", 16, 16, 1);
        byte[] lie = LyingLengths.pixelsClaiming(base, 2_000_000_000L, 1024);
        assertThat(lie).hasSize(1024);
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        assertRejected(raw("liar", lie), "decode", "Tile.pixels");
        long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        assertThat(allocated).isLessThan(1024 * 1024);
    }

    @Test
    void bandAndDecodedByteLimitsRefuseTilesBeforeInference() {
        TileDecoding strict = new TileDecoding(InputLimits.builder().maxBands(2).maxTileBytes(1000).build());
        assertThatThrownBy(() -> strict.decode(raw("t", AvroCodec.tile().encode(TestTiles.rgb("t", 16, 16, 1)))))
                .hasMessage("tile has 3 bands, more than the limit of 2");
        TileDecoding bytes = new TileDecoding(InputLimits.builder().maxTileBytes(700).build());
        assertThatThrownBy(() -> bytes.decode(raw("t", AvroCodec.tile().encode(TestTiles.rgb("t", 16, 16, 1)))))
                .hasMessage("16x16x3 UINT8 samples take 768 bytes, more than the limit of 700");
        TileDecoding record = new TileDecoding(InputLimits.builder().maxRecordBytes(100).build());
        assertThatThrownBy(() -> record.decode(raw("t", AvroCodec.tile().encode(TestTiles.rgb("t", 16, 16, 1)))))
                .hasMessageStartingWith("record value of ").hasMessageEndingWith(" bytes is over the limit of 100");
    }

    private void assertRejected(RawTileRecord record, String stage, String reason) {
        assertThatThrownBy(() -> decoding.decode(record))
                .isInstanceOfSatisfying(TileRejectedException.class, e -> assertThat(e.stage()).isEqualTo(stage))
                .hasMessageContaining(reason);
    }
}
