package io.satstream.raster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.satstream.testing.oracles.Gdal;

/** GDAL internal masks (a 1-bit IFD after the image) read as the raster's valid mask, checked against GDAL. */
class RasterDecoderInternalMaskTest {
    private static final String LANDSAT = "rasterio-landsat-rgb/RGB.byte.tif";
    private final RasterDecoder decoder = new RasterDecoder();

    @BeforeAll
    static void gdal() {
        Gdal.require();
    }

    /** cogeo.tif: JPEG COG with a per-dataset mask (and mask overviews) that GDAL reads as all data. */
    @Test
    void theCogsMaskIsReadAtFullResolution(@TempDir Path tmp) throws Exception {
        Path cog = SharedData.file("rasterio-landsat-rgb/cogeo.tif");
        RasterImage image = decoder.decode(Files.readAllBytes(cog));
        assertThat(image.validMask()).as("cogeo.tif has an internal mask").isNotNull().hasSize(1024 * 1024);
        assertSameAsGdal(image.validMask(), Gdal.maskBand(cog, tmp));
        assertThat(ValidPixels.of(image)).as("every pixel has data").isNull();
    }

    /**
     * The Landsat scene with its nodata collar turned into an internal mask by GDAL (and nodata removed):
     * the mask must come back pixel for pixel, in tiled and striped layouts and with either compression.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TILED=YES,COMPRESS=DEFLATE", "TILED=NO,COMPRESS=LZW", "TILED=YES,COMPRESS=NONE"})
    void aMaskWrittenByGdalComesBackExactly(String options, @TempDir Path tmp) throws Exception {
        Path masked = tmp.resolve("masked.tif");
        List<String> args = new java.util.ArrayList<>(List.of("-a_nodata", "none", "-mask", "1",
                "--config", "GDAL_TIFF_INTERNAL_MASK", "YES"));
        for (String option : options.split(",")) {
            args.add("-co");
            args.add(option);
        }
        Gdal.translate(SharedData.file(LANDSAT), masked, args);
        RasterImage image = decoder.decode(Files.readAllBytes(masked));
        assertThat(image.nodata()).isNull();
        byte[] gdalMask = Gdal.maskBand(masked, tmp);
        assertSameAsGdal(image.validMask(), gdalMask);
        byte[] valid = ValidPixels.of(image);
        assertThat(ValidPixels.count(valid, image.pixelCount()))
                .as("the collar is no data; the scene is")
                .isBetween(image.pixelCount() / 2, image.pixelCount() - 1000);
        // the same pixels as the source's nodata in band 1 (what -mask 1 turned into the mask)
        RasterImage source = decoder.decode(SharedData.bytes(LANDSAT));
        for (int i = 0; i < image.pixelCount(); i++) {
            boolean data = source.pixels()[i] != 0;
            if (data != (valid[i] != 0)) {
                throw new AssertionError("pixel " + i + ": band 1 is " + (source.pixels()[i] & 0xFF)
                        + " but the decoded mask says " + valid[i]);
            }
        }
    }

    /** Without a mask and with nodata 0: no-data pixels are those 0 in all three bands, not in just one. */
    @Test
    void nodataMeansNoDataInEveryBand() {
        RasterImage image = decoder.decode(SharedData.bytes(LANDSAT));
        assertThat(image.validMask()).isNull();
        byte[] valid = ValidPixels.of(image);
        int n = image.pixelCount();
        byte[] p = image.pixels();
        int someBandZero = 0;
        for (int i = 0; i < n; i++) {
            boolean allZero = p[i] == 0 && p[n + i] == 0 && p[2 * n + i] == 0;
            boolean anyZero = p[i] == 0 || p[n + i] == 0 || p[2 * n + i] == 0;
            assertThat(valid[i] == 0).as("pixel %d", i).isEqualTo(allZero);
            someBandZero += anyZero && !allZero ? 1 : 0;
        }
        assertThat(someBandZero).as("pixels dark in one band only stay data").isPositive();
    }

    private static void assertSameAsGdal(byte[] decoded, byte[] gdal) {
        assertThat(decoded).hasSameSizeAs(gdal);
        int zeros = 0;
        for (int i = 0; i < gdal.length; i++) {
            boolean gdalData = gdal[i] != 0;
            if (gdalData != (decoded[i] != 0)) {
                throw new AssertionError("pixel " + i + ": GDAL mask " + (gdal[i] & 0xFF) + ", decoded " + decoded[i]);
            }
            zeros += gdalData ? 0 : 1;
        }
        assertThat(zeros).isLessThan(gdal.length);
    }
}
