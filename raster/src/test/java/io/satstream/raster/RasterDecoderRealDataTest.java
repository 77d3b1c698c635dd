package io.satstream.raster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.satstream.schemas.DataType;
import io.satstream.testing.oracles.Gdal;

/** Every real raster in shared/data decodes with the size, bands, type, CRS, transform and nodata it has. */
class RasterDecoderRealDataTest {
    private static final List<String> RGB = List.of("red", "green", "blue");
    private static final List<String> RGBN = List.of("red", "green", "blue", "band4");
    private static final String HARVEY = "planet-disaster-stac/hurricane-harvey/hurricane-harvey-0831/";

    private final RasterDecoder decoder = new RasterDecoder();

    /** Facts from each folder's SOURCE.md (checked there with gdalinfo), not from our own decoder. */
    record Expected(String file, int width, int height, List<String> bands, DataType type, Integer epsg,
            List<Double> geoTransform, Double nodata) {
        @Override
        public String toString() {
            return file.substring(file.lastIndexOf('/') + 1);
        }
    }

    static Stream<Expected> geoTiffs() {
        return Stream.of(
                new Expected("rasterio-landsat-rgb/RGB.byte.tif", 791, 718, RGB, DataType.UINT8, 32618,
                        List.of(101985.0, 300.0379266750948, 0.0, 2826915.0, 0.0, -300.041782729805), 0.0),
                new Expected("rasterio-landsat-rgb/cogeo.tif", 1024, 1024, RGB, DataType.UINT8, 3857,
                        List.of(14321853.115736904, 0.5971640348434448, 0.0, 4533021.525424092, 0.0,
                                -0.5971640348434448), null),
                new Expected("spacenet4-atlanta-building/sample_geotiff.tif", 900, 900, List.of("band1"),
                        DataType.UINT16, 32616, List.of(733601.0, 0.5, 0.0, 3725139.0, 0.0, -0.5), 0.0),
                new Expected("spacenet4-atlanta-building/sample_fp_mask_from_geojson.tif", 900, 900,
                        List.of("band1"), DataType.UINT8, null, null, null),
                new Expected("naip-rgbn-crops/m_3211605_ne_11_060_20200415.tif", 266, 204, RGBN, DataType.UINT8,
                        26911, List.of(557699.3107, 0.5998477443608042, 0.0, 3648377.1482, 0.0,
                                -0.5985985294135068), null),
                new Expected("naip-rgbn-crops/m_4208701_ne_16_060_20200902.tif", 175, 143, RGBN, DataType.UINT8,
                        26916, List.of(426571.0767, 0.5993840000000117, 0.0, 4755364.1121, 0.0,
                                -0.6008006993003867), null),
                new Expected(HARVEY + "20170831_172754_101c/20170831_172754_101c_3B_AnalyticMS.tif", 256, 256, RGBN,
                        DataType.UINT16, 32615,
                        List.of(205503.0, 97.3828125, 0.0, 3280287.0, 0.0, -45.92578125), 0.0),
                new Expected(HARVEY + "20170831_172754_101c/20170831_172754_101c_3B_AnalyticMS_DN_udm.tif", 256, 256,
                        List.of("band1"), DataType.UINT8, 32615,
                        List.of(205503.0, 97.3828125, 0.0, 3280287.0, 0.0, -45.92578125), null),
                new Expected(HARVEY + "20170831_172754_101c/20170831_172754_101c_3b_Visual.tif", 256, 256, RGB,
                        DataType.UINT8, 32615, List.of(205437.0, 97.69921875, 0.0, 3280290.0, 0.0, -45.9609375), null),
                new Expected(HARVEY + "20170831_162740_ssc1d1/SkySat_Freeport_s03_20170831T162740Z.tif", 256, 256, RGB,
                        DataType.UINT8, 3857, List.of(-10627664.662946375, 100.58812272935798, 0.0,
                                3384328.177542023, 0.0, -98.97496422886226), null),
                new Expected(HARVEY + "20170831_195425_SS02/SkySat_PortArthur_s02_20170831T195425Z.tif", 256, 256, RGB,
                        DataType.UINT8, 32615, List.of(392477.60000000003, 118.4, 0.0, 3328128.8000000003, 0.0,
                                -118.4), null),
                new Expected(HARVEY + "2017831_195552_SS02/SkySat_20170831T195552Z_RGB.tif", 256, 256, RGB,
                        DataType.UINT8, 32615, List.of(226010.4, 138.0, 0.0, 3303877.6, 0.0, -48.0), null),
                new Expected(HARVEY + "Houston-East-20170831-103f-100d-0f4f-RGB/Houston-East-20170831-103f-100d-0f4f-3-band.tif",
                        256, 256, RGB, DataType.UINT8, 3857, List.of(-10657435.586420376, 297.45862028091756, 0.0,
                                3523818.889142068, 0.0, -298.9469958372722), null));
    }

    @Test
    void theTableCoversEveryTiffInSharedData() {
        List<Path> onDisk = SharedData.filesEndingWith(".tif", ".tiff");
        List<Path> listed = geoTiffs().map(e -> SharedData.file(e.file())).sorted().toList();
        assertThat(listed).containsExactlyElementsOf(onDisk);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geoTiffs")
    void geoTiffDecodesWithItsMetadata(Expected expected) {
        RasterImage image = decoder.decode(SharedData.bytes(expected.file()));

        assertThat(image.width()).isEqualTo(expected.width());
        assertThat(image.height()).isEqualTo(expected.height());
        assertThat(image.bands()).isEqualTo(expected.bands());
        assertThat(image.dataType()).isEqualTo(expected.type());
        assertThat(image.nodata()).isEqualTo(expected.nodata());
        if (expected.epsg() == null && expected.geoTransform() == null) {
            assertThat(image.georef()).isNull();
        } else {
            assertThat(image.georef().getEpsg()).isEqualTo(expected.epsg());
            assertThat(image.georef().getGeoTransform()).isEqualTo(expected.geoTransform());
            assertThat(image.georef().getXyz()).isNull();
        }
    }

    /** GDAL as an independent decoder: every sample of every band must be identical. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("geoTiffs")
    void geoTiffPixelsMatchGdalExactly(Expected expected, @TempDir Path tmp) throws Exception {
        Gdal.require();
        Path file = SharedData.file(expected.file());
        RasterImage image = decoder.decode(Files.readAllBytes(file));

        byte[] gdal = Gdal.rawBands(file, tmp);

        assertThat(image.pixels().length).isEqualTo(gdal.length);
        assertThat(firstDifference(image.pixels(), gdal)).as("first differing byte").isEqualTo(-1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geoTiffs")
    void geoTiffMetadataMatchesGdal(Expected expected) throws Exception {
        Gdal.require();
        Path file = SharedData.file(expected.file());
        RasterImage image = decoder.decode(Files.readAllBytes(file));

        JsonNode info = Gdal.info(file);

        assertThat(image.width()).isEqualTo(info.at("/size/0").asInt());
        assertThat(image.height()).isEqualTo(info.at("/size/1").asInt());
        assertThat(image.bandCount()).isEqualTo(info.get("bands").size());
        JsonNode gt = info.get("geoTransform");
        if (gt != null) {
            for (int i = 0; i < 6; i++) {
                assertThat(image.georef().getGeoTransform().get(i)).isEqualTo(gt.get(i).asDouble());
            }
        }
        JsonNode epsg = info.at("/stac/proj:epsg");
        if (!epsg.isMissingNode() && !epsg.isNull()) {
            assertThat(image.georef().getEpsg()).isEqualTo(epsg.asInt());
        }
        JsonNode nodata = info.at("/bands/0/noDataValue");
        assertThat(image.nodata()).isEqualTo(nodata.isMissingNode() ? null : nodata.asDouble());
    }

    @Test
    void everyDubaiJpegDecodesToRgbOfItsMaskSize() {
        List<Path> jpegs = SharedData.filesEndingWith(".jpg").stream()
                .filter(p -> p.toString().contains("dubai")).toList();
        assertThat(jpegs).hasSize(36);
        for (Path jpeg : jpegs) {
            RasterImage image = decoder.decode(read(jpeg));
            Path mask = jpeg.getParent().getParent().resolve("masks")
                    .resolve(jpeg.getFileName().toString().replace(".jpg", ".png"));
            RasterImage maskImage = decoder.decode(read(mask));

            assertThat(image.bands()).as(jpeg.toString()).isEqualTo(RGB);
            assertThat(image.dataType()).isEqualTo(DataType.UINT8);
            assertThat(image.georef()).isNull();
            assertThat(image.nodata()).isNull();
            assertThat(maskImage.bands()).as(mask.toString()).isEqualTo(RGB);
            assertThat(image.width()).as(jpeg.toString()).isEqualTo(maskImage.width());
            assertThat(image.height()).as(jpeg.toString()).isEqualTo(maskImage.height());
        }
    }

    @Test
    void dubaiTileSizesAreThoseOfTheDataset() {
        RasterImage tile1 = decoder.decode(SharedData.bytes("dubai-aerial-semseg/Tile 1/images/image_part_001.jpg"));
        RasterImage tile1Short = decoder.decode(SharedData.bytes("dubai-aerial-semseg/Tile 1/images/image_part_004.jpg"));
        RasterImage tile6 = decoder.decode(SharedData.bytes("dubai-aerial-semseg/Tile 6/images/image_part_009.jpg"));
        assertThat(List.of(tile1.width(), tile1.height())).containsExactly(797, 644);
        assertThat(List.of(tile1Short.width(), tile1Short.height())).containsExactly(797, 643);
        assertThat(List.of(tile6.width(), tile6.height())).containsExactly(859, 838);
    }

    /** Tile 2's masks are 2/4-bit palette PNGs: expanded, they must hold only the dataset's class colours. */
    @Test
    void paletteMasksExpandToTheDatasetClassColours() {
        List<Integer> classColours = List.of(0x3C1098, 0x8429F6, 0x6EC1E4, 0xFEDD3A, 0xE2A929, 0x9B9B9B, 0x000000);
        for (int part = 1; part <= 9; part++) {
            RasterImage mask = decoder.decode(
                    SharedData.bytes("dubai-aerial-semseg/Tile 2/masks/image_part_00" + part + ".png"));
            assertThat(mask.bands()).isEqualTo(RGB);
            int n = mask.pixelCount();
            byte[] p = mask.pixels();
            for (int i = 0; i < n; i++) {
                int rgb = (p[i] & 0xFF) << 16 | (p[n + i] & 0xFF) << 8 | (p[2 * n + i] & 0xFF);
                if (!classColours.contains(rgb)) {
                    throw new AssertionError("part " + part + " pixel " + i + " has colour " + Integer.toHexString(rgb));
                }
            }
        }
    }

    /** PNGs (RGB and palette) against GDAL, sample for sample; palettes expanded by GDAL too. */
    @Test
    void everyPngMatchesGdalExactly(@TempDir Path tmp) throws Exception {
        Gdal.require();
        List<Path> pngs = SharedData.filesEndingWith(".png");
        assertThat(pngs).hasSizeGreaterThan(36);
        for (Path png : pngs) {
            RasterImage image = decoder.decode(read(png));
            JsonNode info = Gdal.info(png);
            assertThat(image.width()).as(png.toString()).isEqualTo(info.at("/size/0").asInt());
            assertThat(image.height()).as(png.toString()).isEqualTo(info.at("/size/1").asInt());
            assertThat(image.dataType()).isEqualTo(DataType.UINT8);
            if (info.at("/bands/0/colorTable").isMissingNode()) {
                int colourBands = (int) Stream.of(info.get("bands").spliterator())
                        .flatMap(s -> java.util.stream.StreamSupport.stream(s, false))
                        .filter(b -> !"Alpha".equals(b.path("colorInterpretation").asText())).count();
                assertThat(image.bandCount()).as(png.toString()).isEqualTo(colourBands);
                byte[] gdal = Gdal.rawBands(png, tmp);
                byte[] colour = java.util.Arrays.copyOf(gdal, image.pixels().length);
                assertThat(firstDifference(image.pixels(), colour)).as(png.toString()).isEqualTo(-1);
            } else {
                assertThat(image.bandCount()).as(png.toString()).isIn(1, 3);
            }
        }
    }

    /** Two JPEG decoders (JDK's libjpeg and GDAL's) may round differently, but only by a level or so. */
    @Test
    void jpegPixelsAgreeWithGdal(@TempDir Path tmp) throws Exception {
        Gdal.require();
        Path jpeg = SharedData.file("dubai-aerial-semseg/Tile 3/images/image_part_005.jpg");
        RasterImage image = decoder.decode(read(jpeg));
        byte[] gdal = Gdal.rawBands(jpeg, tmp);
        assertThat(gdal).hasSize(image.pixels().length);
        long totalDiff = 0;
        int maxDiff = 0;
        for (int i = 0; i < gdal.length; i++) {
            int d = Math.abs((gdal[i] & 0xFF) - (image.pixels()[i] & 0xFF));
            totalDiff += d;
            maxDiff = Math.max(maxDiff, d);
        }
        assertThat((double) totalDiff / gdal.length).isLessThan(0.5);
        assertThat(maxDiff).isLessThanOrEqualTo(8);
    }

    @Test
    void sixteenBitPanchromaticSamplesAreLittleEndianUnsigned() {
        RasterImage image = decoder.decode(SharedData.bytes("spacenet4-atlanta-building/sample_geotiff.tif"));
        double min = Double.MAX_VALUE;
        double max = 0;
        double sum = 0;
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                double v = image.sample(0, x, y);
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += v;
            }
        }
        // SOURCE.md: min 54 / max 6615 / mean 457
        assertThat(min).isEqualTo(54);
        assertThat(max).isEqualTo(6615);
        assertThat(sum / image.pixelCount()).isCloseTo(457, within(1.0));
    }

    private static byte[] read(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int firstDifference(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            if (a[i] != b[i]) {
                return i;
            }
        }
        return a.length == b.length ? -1 : n;
    }
}
