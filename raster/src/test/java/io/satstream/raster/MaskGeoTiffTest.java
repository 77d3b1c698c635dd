package io.satstream.raster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.satstream.schemas.DataType;
import io.satstream.schemas.GeoReference;
import io.satstream.schemas.MaskValues;
import io.satstream.schemas.XyzAddress;
import io.satstream.testing.oracles.Gdal;

class MaskGeoTiffTest {
    private static final List<Double> SPACENET_GT = List.of(733601.0, 0.5, 0.0, 3725139.0, 0.0, -0.5);

    private static byte[] stripes(int width, int height) {
        byte[] mask = new byte[width * height];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = (byte) ((i % width) / 50 + (i / width) / 100);
        }
        return mask;
    }

    @Test
    void gdalReadsBackSizeEpsgTransformAndPixelsExactly(@TempDir Path tmp) throws Exception {
        Gdal.require();
        byte[] mask = stripes(900, 900);
        GeoReference georef = GeoReference.newBuilder().setEpsg(32616).setGeoTransform(SPACENET_GT).build();
        Path file = tmp.resolve("mask.tif");
        Files.write(file, MaskGeoTiff.encode(mask, 900, 900, georef));

        JsonNode info = Gdal.info(file);

        assertThat(info.at("/size/0").asInt()).isEqualTo(900);
        assertThat(info.at("/size/1").asInt()).isEqualTo(900);
        assertThat(info.get("bands")).hasSize(1);
        assertThat(info.at("/bands/0/type").asText()).isEqualTo("Byte");
        assertThat(info.at("/stac/proj:epsg").asInt()).isEqualTo(32616);
        assertThat(info.at("/metadata/IMAGE_STRUCTURE/COMPRESSION").asText()).isEqualTo("DEFLATE");
        for (int i = 0; i < 6; i++) {
            assertThat(info.at("/geoTransform/" + i).asDouble()).isEqualTo(SPACENET_GT.get(i));
        }
        // 255 is declared nodata even where the mask has data everywhere, so all tiles of a scene agree
        assertThat(info.at("/bands/0/noDataValue").asDouble()).isEqualTo(255.0);
        assertThat(Gdal.rawBands(file, tmp)).isEqualTo(mask);
    }

    @Test
    void gdalTakesNoDataPixelsAsNodataAndLeavesEveryClassAlone(@TempDir Path tmp) throws Exception {
        Gdal.require();
        List<Double> gt = List.of(-84.5, 1e-5, 0.0, 33.64, 0.0, -1e-5);
        GeoReference georef = GeoReference.newBuilder().setEpsg(4326).setGeoTransform(gt).build();
        int width = 64;
        int height = 32;
        byte[] mask = stripes(width, height);
        long sum = 0;
        long withData = 0;
        int maxClass = 0;
        for (int i = 0; i < mask.length; i++) {
            if (i % width < 10) {
                mask[i] = (byte) MaskValues.NO_DATA; // a collar down the left edge
            } else {
                sum += mask[i];
                withData++;
                maxClass = Math.max(maxClass, mask[i]);
            }
        }
        Path file = tmp.resolve("wgs84.tif");
        Files.write(file, MaskGeoTiff.encode(mask, width, height, georef));

        JsonNode info = Gdal.infoWithStats(file);

        assertThat(info.at("/stac/proj:epsg").asInt()).isEqualTo(4326);
        for (int i = 0; i < 6; i++) {
            assertThat(info.at("/geoTransform/" + i).asDouble()).isEqualTo(gt.get(i));
        }
        assertThat(info.at("/bands/0/noDataValue").asDouble()).isEqualTo(255.0);
        // GDAL's statistics skip nodata: had it counted the collar, the maximum would be 255 and the mean far higher
        assertThat(info.at("/bands/0/maximum").asDouble()).isEqualTo(maxClass);
        // (gdalinfo -json rounds the mean to 3 decimals)
        assertThat(info.at("/bands/0/mean").asDouble()).isCloseTo((double) sum / withData, within(5e-4));
        assertThat(Gdal.rawBands(file, tmp)).isEqualTo(mask);
    }

    @Test
    void rotatedTransformIsWrittenAsAMatrix(@TempDir Path tmp) throws Exception {
        Gdal.require();
        List<Double> gt = List.of(500000.0, 0.5, 0.1, 4000000.0, 0.1, -0.5);
        GeoReference georef = GeoReference.newBuilder().setEpsg(32633).setGeoTransform(gt).build();
        Path file = tmp.resolve("rotated.tif");
        Files.write(file, MaskGeoTiff.encode(stripes(40, 30), 40, 30, georef));

        JsonNode info = Gdal.info(file);

        for (int i = 0; i < 6; i++) {
            assertThat(info.at("/geoTransform/" + i).asDouble()).isEqualTo(gt.get(i));
        }
        RasterImage back = new RasterDecoder().decode(Files.readAllBytes(file));
        assertThat(back.georef().getGeoTransform()).isEqualTo(gt);
    }

    @Test
    void anXyzOnlyTileGetsItsWebMercatorTransform(@TempDir Path tmp) throws Exception {
        XyzAddress xyz = XyzAddress.newBuilder().setZ(18).setX(137_000).setY(91_000).build();
        GeoReference georef = GeoReference.newBuilder().setXyz(xyz).build();
        byte[] tiff = MaskGeoTiff.encode(stripes(256, 256), 256, 256, georef);

        RasterImage back = new RasterDecoder().decode(tiff);

        assertThat(back.georef().getEpsg()).isEqualTo(3857);
        assertThat(back.georef().getGeoTransform()).isEqualTo(WebMercator.geoTransform(xyz, 256, 256));
        Path file = tmp.resolve("xyz.tif");
        Files.write(file, tiff);
        JsonNode info = Gdal.info(file);
        assertThat(info.at("/stac/proj:epsg").asInt()).isEqualTo(3857);
        assertThat(info.at("/geoTransform/1").asDouble()).isEqualTo(WebMercator.tileSpan(18) / 256);
    }

    @Test
    void roundTripsThroughOurDecoder() {
        byte[] mask = stripes(300, 200);
        GeoReference georef = GeoReference.newBuilder().setEpsg(32616).setGeoTransform(SPACENET_GT).build();

        RasterImage back = new RasterDecoder().decode(MaskGeoTiff.encode(mask, 300, 200, georef, 0.0));

        assertThat(back.width()).isEqualTo(300);
        assertThat(back.height()).isEqualTo(200);
        assertThat(back.bands()).containsExactly("band1");
        assertThat(back.dataType()).isEqualTo(DataType.UINT8);
        assertThat(back.pixels()).isEqualTo(mask);
        assertThat(back.georef()).isEqualTo(georef);
        assertThat(back.nodata()).isEqualTo(0.0);
    }

    @Test
    void withoutGeoreferenceItIsAPlainTiffThatStillNamesItsNodata() {
        RasterImage back = new RasterDecoder().decode(MaskGeoTiff.encode(stripes(10, 10), 10, 10, null));
        assertThat(back.georef()).isNull();
        assertThat(back.nodata()).isEqualTo(255.0);
    }

    @Test
    void anExplicitNodataReplacesTheMaskConventionAndNullLeavesItOut() {
        assertThat(new RasterDecoder().decode(MaskGeoTiff.encode(stripes(10, 10), 10, 10, null, null)).nodata())
                .isNull();
        assertThat(new RasterDecoder().decode(MaskGeoTiff.encode(stripes(10, 10), 10, 10, null, 0.0)).nodata())
                .isEqualTo(0.0);
    }
}
