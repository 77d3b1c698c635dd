package io.satstream.raster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bad bytes end in a RasterDecodeException with a one-line reason: never a partial image, never an OOM. */
class RasterDecoderBadInputTest {
    private static final String JPEG = "dubai-aerial-semseg/Tile 1/images/image_part_001.jpg";
    private static final String PNG = "dubai-aerial-semseg/Tile 1/masks/image_part_001.png";
    private static final String PALETTE_PNG = "dubai-aerial-semseg/Tile 2/masks/image_part_001.png";
    private static final String TIFF = "rasterio-landsat-rgb/RGB.byte.tif";
    private static final String COG = "rasterio-landsat-rgb/cogeo.tif";

    private final RasterDecoder decoder = new RasterDecoder();

    @Test
    void emptyAndNullAreRefused() {
        assertThatThrownBy(() -> decoder.decode(new byte[0]))
                .isInstanceOf(RasterDecodeException.class).hasMessage("no image data (empty value)");
        assertThatThrownBy(() -> decoder.decode(null))
                .isInstanceOf(RasterDecodeException.class).hasMessage("no image data (empty value)");
    }

    @Test
    void randomGarbageNamesItsFirstBytes() {
        byte[] garbage = new byte[4096];
        new Random(7).nextBytes(garbage);
        garbage[0] = 0x12;
        garbage[1] = 0x34;
        assertThatThrownBy(() -> decoder.decode(garbage))
                .isInstanceOf(RasterDecodeException.class)
                .hasMessageStartingWith("not a PNG, JPEG or TIFF image (first bytes: 12 34 ")
                .hasMessageEndingWith(" ..)");
        assertThatThrownBy(() -> decoder.decode("{\"tileId\":1}".getBytes()))
                .hasMessage("not a PNG, JPEG or TIFF image (first bytes: 7B 22 74 69 6C 65 49 64 ..)");
    }

    @Test
    void halfAJpegIsTruncated() {
        byte[] whole = SharedData.bytes(JPEG);
        assertThatThrownBy(() -> decoder.decode(Arrays.copyOf(whole, whole.length / 2)))
                .isInstanceOf(RasterDecodeException.class).hasMessage("truncated JPEG");
    }

    @Test
    void aJpegCutAnywhereIsRefused() {
        byte[] whole = SharedData.bytes(JPEG);
        for (int cut : new int[] {3, 20, 200, 700, whole.length / 10, whole.length - 200}) {
            assertThatThrownBy(() -> decoder.decode(Arrays.copyOf(whole, cut)))
                    .as("cut at %d", cut)
                    .isInstanceOf(RasterDecodeException.class)
                    .hasMessageContaining("JPEG");
        }
    }

    @Test
    void halfAPngIsTruncated() {
        for (String file : new String[] {PNG, PALETTE_PNG}) {
            byte[] whole = SharedData.bytes(file);
            assertThatThrownBy(() -> decoder.decode(Arrays.copyOf(whole, whole.length / 2)))
                    .as(file).isInstanceOf(RasterDecodeException.class).hasMessage("truncated PNG");
        }
        byte[] whole = SharedData.bytes(PNG);
        assertThatThrownBy(() -> decoder.decode(Arrays.copyOf(whole, 12)))
                .hasMessageStartingWith("truncated PNG");
    }

    @Test
    void halfATiffIsTruncated() {
        for (String file : new String[] {TIFF, COG}) {
            byte[] whole = SharedData.bytes(file);
            assertThatThrownBy(() -> decoder.decode(Arrays.copyOf(whole, whole.length / 2)))
                    .as(file).isInstanceOf(RasterDecodeException.class).hasMessageStartingWith("truncated TIFF");
        }
    }

    @Test
    void aHugePngHeaderIsRefusedBeforeDecoding() {
        assertThatThrownBy(() -> decoder.decode(PngBytes.grayClaiming(100_000, 100_000)))
                .isInstanceOf(RasterDecodeException.class)
                .hasMessage("image claims 100000x100000 pixels, more than the limit of 67108864");
    }

    @Test
    void aHugeTiffHeaderIsRefusedBeforeDecoding() {
        byte[] tiff = TiffBytes.gray8(100_000, 100_000).pixels(new byte[16]).build();
        assertThatThrownBy(() -> decoder.decode(tiff))
                .isInstanceOf(RasterDecodeException.class)
                .hasMessage("image claims 100000x100000 pixels, more than the limit of 67108864");
    }

    @Test
    void aHugeJpegHeaderIsRefusedBeforeDecoding() {
        byte[] jpeg = SharedData.bytes(JPEG).clone();
        int sof = findSof(jpeg);
        // SOF: FF C0, length(2), precision(1), height(2), width(2)
        jpeg[sof + 5] = (byte) 0xFD;
        jpeg[sof + 6] = (byte) 0xE8; // 65000
        jpeg[sof + 7] = (byte) 0xFD;
        jpeg[sof + 8] = (byte) 0xE8;
        assertThatThrownBy(() -> decoder.decode(jpeg))
                .isInstanceOf(RasterDecodeException.class)
                .hasMessage("image claims 65000x65000 pixels, more than the limit of 67108864");
    }

    @Test
    void manyBandsOfAnAllowedSizeAreRefusedByDecodedBytes() {
        // 8192x8192 is within the pixel limit, but 13 uint16 samples each would need 1.6 GiB
        byte[] tiff = TiffBytes.gray8(8192, 8192).shortTag(277, 13).shortTag(258, 16, 16, 16, 16, 16, 16, 16, 16,
                16, 16, 16, 16, 16).pixels(new byte[16]).build();
        assertThatThrownBy(() -> decoder.decode(tiff))
                .isInstanceOf(RasterDecodeException.class)
                .hasMessage("image of 8192x8192x13 samples of 2 bytes needs 1664 MiB decoded, more than the limit of 512 MiB");
    }

    @Test
    void aSmallerLimitIsHonoured() {
        RasterDecoder strict = new RasterDecoder(100_000);
        assertThat(strict.maxPixels()).isEqualTo(100_000);
        assertThatThrownBy(() -> strict.decode(SharedData.bytes(TIFF)))
                .hasMessage("image claims 791x718 pixels, more than the limit of 100000");
        assertThatThrownBy(() -> strict.decode(SharedData.bytes(JPEG)))
                .hasMessage("image claims 797x644 pixels, more than the limit of 100000");
        assertThatThrownBy(() -> new RasterDecoder(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDecodedByteLimitRefusesFromTheHeaderWhatThePixelLimitAllows() {
        // 791x718 RGB uint8 TIFF and 797x644 RGB JPEG: ~1.7 MB and (as up to 4 components) ~2 MB decoded.
        RasterDecoder strict = new RasterDecoder(1_000_000, 1_000_000);
        assertThatThrownBy(() -> strict.decode(SharedData.bytes(TIFF)))
                .isInstanceOf(RasterDecodeException.class).hasMessageContaining("more than the limit of 0 MiB");
        assertThatThrownBy(() -> strict.decode(SharedData.bytes(JPEG)))
                .isInstanceOf(RasterDecodeException.class).hasMessageContaining("797x644x4 samples of 1 bytes");
        // a 1000x1000 grey PNG needs 1 MB: one byte over the limit of 999 999
        assertThatThrownBy(() -> new RasterDecoder(1_000_000, 999_999).decode(PngBytes.grayClaiming(1000, 1000)))
                .isInstanceOf(RasterDecodeException.class).hasMessageContaining("1000x1000x1 samples of 1 bytes");
    }

    @Test
    void zeroSizedImagesAreRefused() {
        assertThatThrownBy(() -> decoder.decode(TiffBytes.gray8(0, 0).pixels(new byte[1]).build()))
                .isInstanceOf(RasterDecodeException.class).hasMessage("image is 0x0");
        assertThatThrownBy(() -> decoder.decode(PngBytes.grayClaiming(0, 0)))
                .isInstanceOf(RasterDecodeException.class).hasMessage("image is 0x0");
    }

    @Test
    void aTiffWhoseStripIsShortIsTruncated() {
        byte[] tiff = TiffBytes.gray8(10, 10).pixels(new byte[60]).buildClaiming(100);
        assertThatThrownBy(() -> decoder.decode(tiff))
                .isInstanceOf(RasterDecodeException.class)
                .hasMessageStartingWith("truncated TIFF: strip 0 of 1 ends at byte");
    }

    @Test
    void unsupportedTiffCompressionIsNamed() {
        byte[] tiff = TiffBytes.gray8(4, 4).shortTag(259, 50000).pixels(new byte[16]).build();
        assertThatThrownBy(() -> decoder.decode(tiff))
                .isInstanceOf(RasterDecodeException.class).hasMessage("unsupported TIFF compression 50000 (ZSTD)");
    }

    @Test
    void unsupportedSampleTypesAreNamed() {
        byte[] int16 = TiffBytes.gray8(4, 4).shortTag(258, 16).shortTag(339, 2).pixels(new byte[32]).build();
        assertThatThrownBy(() -> decoder.decode(int16))
                .isInstanceOf(RasterDecodeException.class)
                .hasMessage("unsupported TIFF sample type: 16-bit signed integer (supported: uint8, uint16, float32)");
        byte[] float64 = TiffBytes.gray8(4, 4).shortTag(258, 64).shortTag(339, 3).pixels(new byte[128]).build();
        assertThatThrownBy(() -> decoder.decode(float64))
                .hasMessage("unsupported TIFF sample type: 64-bit floating point (supported: uint8, uint16, float32)");
    }

    @Test
    void bigTiffIsRecognisedButRefusedClearly() {
        byte[] bigTiff = {'I', 'I', 43, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        assertThat(ImageFormat.detect(bigTiff)).isEqualTo(ImageFormat.TIFF);
        assertThatThrownBy(() -> decoder.decode(bigTiff))
                .isInstanceOf(RasterDecodeException.class)
                .hasMessageStartingWith("unsupported TIFF variant: BigTIFF");
    }

    @Test
    void magicBytesFollowedByGarbageAreRefused() {
        Random random = new Random(11);
        for (byte[] magic : new byte[][] {{'I', 'I', 42, 0}, {'M', 'M', 0, 42}, {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF},
                {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}}) {
            byte[] bytes = new byte[2048];
            random.nextBytes(bytes);
            System.arraycopy(magic, 0, bytes, 0, magic.length);
            assertThatThrownBy(() -> decoder.decode(bytes)).isInstanceOf(RasterDecodeException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").isNotBlank());
        }
    }

    /**
     * Random byte flips in real files: the decoder may decode them (pixels change) or refuse them, but it
     * must never throw anything other than RasterDecodeException, nor allocate without bound, nor hang.
     */
    @Test
    @Timeout(120)
    void corruptedRealFilesFailOnlyWithRasterDecodeException() {
        String[] files = {JPEG, PNG, PALETTE_PNG, "planet-disaster-stac/hurricane-harvey/hurricane-harvey-0831/"
                + "20170831_172754_101c/20170831_172754_101c_3B_AnalyticMS.tif", COG};
        Random random = new Random(42);
        int refused = 0;
        int runs = 0;
        for (String file : files) {
            byte[] original = SharedData.bytes(file);
            for (int round = 0; round < 40; round++) {
                byte[] mutated = original.clone();
                int flips = 1 + random.nextInt(8);
                for (int f = 0; f < flips; f++) {
                    // bias towards the header, where the structure lives
                    int at = random.nextBoolean() ? random.nextInt(Math.min(512, mutated.length))
                            : random.nextInt(mutated.length);
                    mutated[at] = (byte) random.nextInt(256);
                }
                runs++;
                try {
                    RasterImage image = decoder.decode(mutated);
                    assertThat(image.pixelCount()).isLessThanOrEqualTo((int) RasterDecoder.DEFAULT_MAX_PIXELS);
                } catch (RasterDecodeException e) {
                    refused++;
                    assertThat(e.getMessage()).as("one line").doesNotContain("\n").isNotBlank();
                }
            }
        }
        assertThat(runs).isEqualTo(200);
        assertThat(refused).as("some corruptions must be detected").isGreaterThan(0);
    }

    private static int findSof(byte[] jpeg) {
        for (int i = 2; i < jpeg.length - 1; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && ((jpeg[i + 1] & 0xFF) == 0xC0 || (jpeg[i + 1] & 0xFF) == 0xC2)) {
                return i;
            }
        }
        throw new IllegalStateException("no SOF marker");
    }
}
