package io.satstream.raster.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Polygon;

import io.satstream.schemas.MaskValues;

class MaskVectorizerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PixelGrid UTM = new PixelGrid(8, 6, List.of(500000.0, 2.0, 0.0, 4000000.0, 0.0, -2.0));

    /**
     * <pre>
     * 0 1 1 1 1 0 0 0
     * 0 1 0 0 1 0 2 0
     * 0 1 0 0 1 0 0 2
     * 0 1 1 1 1 0 0 0
     * 0 0 0 0 0 0 0 0
     * 2 2 0 0 0 0 0 0
     * </pre>
     */
    private static final byte[] MASK = {
        0, 1, 1, 1, 1, 0, 0, 0,
        0, 1, 0, 0, 1, 0, 2, 0,
        0, 1, 0, 0, 1, 0, 0, 2,
        0, 1, 1, 1, 1, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0,
        2, 2, 0, 0, 0, 0, 0, 0};

    @Test
    void regionsComeOutPerClassWithHolesAndCornerTouchingPixelsApart() {
        List<ClassPolygon> out = MaskVectorizer.vectorize(MASK, UTM, MaskVectorizer.Settings.exceptBackground());
        assertThat(out).extracting(ClassPolygon::classIndex).containsExactly(1, 2, 2, 2);
        Polygon ring = out.get(0).polygon();
        assertThat(ring.getNumInteriorRing()).isEqualTo(1);
        assertThat(out.get(0).pixels()).isEqualTo(12);
        assertThat(ring.getArea()).isEqualTo(12 * 4.0);
        assertThat(ring.getExteriorRing().getNumPoints()).isEqualTo(5); // collinear vertices dropped
        assertThat(ring.getEnvelopeInternal().getMinX()).isEqualTo(500002.0);
        assertThat(ring.getEnvelopeInternal().getMaxY()).isEqualTo(4000000.0);
        // (6,1) and (7,2) touch only at a corner: two regions.
        assertThat(out.subList(1, 4)).extracting(ClassPolygon::pixels).containsExactly(1L, 1L, 2L);
        assertThat(MaskRasterizer.rasterize(out.stream().map(p -> new MaskRasterizer.Burn(p.polygon(),
                p.classIndex())).toList(), UTM)).isEqualTo(MASK);
    }

    @Test
    void smallRegionsAndSkippedClassesAreLeftOut() {
        List<ClassPolygon> out = MaskVectorizer.vectorize(MASK, UTM, new MaskVectorizer.Settings(Set.of(0, 1), 0, 2));
        assertThat(out).hasSize(1);
        assertThat(out.get(0).classIndex()).isEqualTo(2);
        assertThat(out.get(0).pixels()).isEqualTo(2);
        assertThatThrownBy(() -> new MaskVectorizer.Settings(Set.of(), -1, 0)).hasMessageContaining("tolerance");
        assertThatThrownBy(() -> MaskVectorizer.vectorize(new byte[3], UTM, MaskVectorizer.Settings.exceptBackground()))
                .hasMessageContaining("needs 48");
    }

    /** {@link #MASK} with a no-data block over its bottom-right corner and one no-data pixel inside the ring. */
    private static byte[] maskWithNoData() {
        byte[] mask = MASK.clone();
        for (int y = 3; y < 6; y++) {
            for (int x = 5; x < 8; x++) {
                mask[y * 8 + x] = (byte) MaskValues.NO_DATA;
            }
        }
        mask[2 * 8 + 2] = (byte) MaskValues.NO_DATA;
        return mask;
    }

    @Test
    void noDataIsNeverVectorisedEvenWhenNothingIsSkipped() {
        byte[] mask = maskWithNoData();
        List<ClassPolygon> out = MaskVectorizer.vectorize(mask, UTM, new MaskVectorizer.Settings(Set.of(), 0, 0));

        assertThat(out).extracting(ClassPolygon::classIndex).doesNotContain(MaskValues.NO_DATA).contains(0, 1, 2);
        assertThat(out.stream().mapToLong(ClassPolygon::pixels).sum()).isEqualTo(48 - 10);
        // every class was vectorised, so burning them onto a no-data background gives the mask back exactly
        List<MaskRasterizer.Burn> burns = out.stream().map(p -> new MaskRasterizer.Burn(p.polygon(), p.classIndex()))
                .toList();
        assertThat(MaskRasterizer.rasterize(burns, UTM, MaskValues.NO_DATA)).isEqualTo(mask);
        // listing it among the skipped classes changes nothing
        assertThat(MaskVectorizer.vectorize(mask, UTM, new MaskVectorizer.Settings(Set.of(MaskValues.NO_DATA), 0, 0)))
                .isEqualTo(out);
    }

    @Test
    void withTheBackgroundSkippedNoDataFallsBackToTheBackgroundOnTheWayBack() {
        byte[] mask = maskWithNoData();
        List<ClassPolygon> out = MaskVectorizer.vectorize(mask, UTM, MaskVectorizer.Settings.exceptBackground());
        assertThat(out).extracting(ClassPolygon::classIndex).containsExactly(1, 2, 2, 2);
        // the ring is unchanged: its one hole holds background and no-data alike
        assertThat(out.get(0).polygon().getNumInteriorRing()).isEqualTo(1);
        assertThat(out.get(0).pixels()).isEqualTo(12);
        byte[] expected = mask.clone();
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (expected[i] & 0xFF) == MaskValues.NO_DATA ? 0 : expected[i];
        }
        assertThat(MaskRasterizer.rasterize(out.stream().map(p -> new MaskRasterizer.Burn(p.polygon(),
                p.classIndex())).toList(), UTM)).isEqualTo(expected);
        assertThatThrownBy(() -> new ClassPolygon(MaskValues.NO_DATA, out.get(0).polygon(), 1))
                .hasMessage("class index must be 0..254 (255 marks no data), got 255");
        assertThatThrownBy(() -> MaskRasterizer.rasterize(List.of(), UTM, 256))
                .hasMessage("background value must be 0..255, got 256");
    }

    @Test
    void simplificationKeepsEveryRegionValid() {
        byte[] disc = new byte[64 * 64];
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                disc[y * 64 + x] = (byte) (Math.hypot(x - 31.5, y - 31.5) < 25 ? 1 : 0);
            }
        }
        PixelGrid grid = PixelGrid.pixelSpace(64, 64);
        Polygon exact = MaskVectorizer.vectorize(disc, grid, MaskVectorizer.Settings.exceptBackground()).get(0).polygon();
        Polygon simple = MaskVectorizer.vectorize(disc, grid, new MaskVectorizer.Settings(Set.of(0), 1.0, 0)).get(0)
                .polygon();
        assertThat(simple.isValid()).isTrue();
        assertThat(simple.getNumPoints()).isLessThan(exact.getNumPoints() / 2);
        assertThat(Math.abs(simple.getArea() - exact.getArea()) / exact.getArea()).isLessThan(0.02);
    }

    @Test
    void pixelCentresOnABoundaryFollowGdalsHalfOpenRule() {
        // A square from pixel-space (1.5, 1.5) to (3.5, 3.5): centres 1.5 and 2.5 are in, 3.5 is out.
        var gf = new org.locationtech.jts.geom.GeometryFactory();
        Polygon square = (Polygon) gf.toGeometry(new org.locationtech.jts.geom.Envelope(1.5, 3.5, 1.5, 3.5));
        byte[] mask = MaskRasterizer.rasterize(List.of(square), 9, PixelGrid.pixelSpace(5, 5));
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 5; x++) {
                assertThat(mask[y * 5 + x]).as("(%d,%d)", x, y).isEqualTo((byte) (x >= 1 && x <= 2 && y >= 1 && y <= 2 ? 9 : 0));
            }
        }
    }

    @Test
    void geoJsonInTheSourceCrsNamesItAndWgs84CarriesBoth() throws Exception {
        List<ClassPolygon> out = MaskVectorizer.vectorize(MASK, UTM, MaskVectorizer.Settings.exceptBackground());
        var origin = new GeoJsonFeatures.Origin("s/r000c001", "s", "unet@2", List.of("background", "building", "road"));
        JsonNode src = JSON.readTree(GeoJsonFeatures.inSourceCrs(out, 32631, origin));
        assertThat(src.at("/crs/properties/name").asText()).isEqualTo("urn:ogc:def:crs:EPSG::32631");
        JsonNode first = src.get("features").get(0);
        assertThat(first.at("/properties/class").asText()).isEqualTo("building");
        assertThat(first.at("/properties/area").asDouble()).isEqualTo(48.0);
        assertThat(first.at("/properties/tileId").asText()).isEqualTo("s/r000c001");
        assertThat(first.at("/properties/modelVersion").asText()).isEqualTo("unet@2");
        assertThat(first.at("/geometry/coordinates/0/0/0").asDouble()).isBetween(500000.0, 500016.0);
        // Exterior ring counter-clockwise (RFC 7946) although the grid's y axis points down.
        assertThat(signedArea(first.at("/geometry/coordinates/0"))).isPositive();
        assertThat(signedArea(first.at("/geometry/coordinates/1"))).isNegative();

        JsonNode wgs = JSON.readTree(GeoJsonFeatures.inWgs84(out, 32631, origin, true));
        assertThat(wgs.get("sourceCrs").asText()).isEqualTo("EPSG:32631");
        JsonNode f = wgs.get("features").get(0);
        // UTM 31N, easting 500 km = the central meridian 3°E; northing 4000 km ≈ 36.1°N.
        assertThat(f.at("/geometry/coordinates/0/0/0").asDouble()).isBetween(3.0, 3.001);
        assertThat(f.at("/geometry/coordinates/0/0/1").asDouble()).isBetween(36.13, 36.15);
        assertThat(f.at("/sourceGeometry/coordinates/0/0/0").asDouble()).isBetween(500000.0, 500016.0);
        assertThatThrownBy(() -> GeoJsonFeatures.inWgs84(out, 999_999, origin, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("EPSG:999999");
    }

    private static double signedArea(JsonNode ring) {
        double sum = 0;
        for (int i = 0; i + 1 < ring.size(); i++) {
            sum += ring.get(i).get(0).asDouble() * ring.get(i + 1).get(1).asDouble()
                    - ring.get(i + 1).get(0).asDouble() * ring.get(i).get(1).asDouble();
        }
        return sum / 2;
    }
}
