package io.satstream.raster.vector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.densify.Densifier;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;

import io.satstream.raster.RasterImage;

/**
 * Acceptance on SpaceNet (shared/data/spacenet4-atlanta-building): GDAL's mask of the label polygons
 * ({@code sample_fp_mask_from_geojson.tif}, values 0/255) is the oracle for the rasteriser, and the labels
 * are the oracle for the vectoriser. GDAL's burn value 255 is no-data in a satstream mask, so the vectoriser
 * gets that mask with its buildings as class {@value #BUILDING}.
 */
class SpaceNetVectorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The value gdal_rasterize burnt the labels with. */
    private static final int GDAL_BURN = 255;
    private static final int BUILDING = 1;

    private static PixelGrid grid;
    private static byte[] oracle;
    /** {@link #oracle} as a class mask: 0 background, {@link #BUILDING} where GDAL burnt a label. */
    private static byte[] classMask;
    private static List<Geometry> labels;

    @BeforeAll
    static void load() throws Exception {
        RasterImage image = SpaceNetData.raster("sample_geotiff.tif");
        assertThat(image.georef().getEpsg()).isEqualTo(32616);
        grid = PixelGrid.of(image.georef(), image.width(), image.height());
        RasterImage mask = SpaceNetData.raster("sample_fp_mask_from_geojson.tif");
        assertThat(mask.width()).isEqualTo(900);
        assertThat(mask.height()).isEqualTo(900);
        oracle = mask.pixels();
        classMask = new byte[oracle.length];
        for (int i = 0; i < oracle.length; i++) {
            classMask[i] = (oracle[i] & 0xFF) == GDAL_BURN ? (byte) BUILDING : 0;
        }
        labels = SpaceNetData.labels();
        assertThat(labels).hasSize(43);
    }

    @Test
    void rasterisingTheLabelsReproducesGdalsMaskExactly() {
        byte[] mask = MaskRasterizer.rasterize(labels, GDAL_BURN, grid);
        assertThat(countDiffering(mask, oracle)).isZero();
        assertThat(count(mask, GDAL_BURN)).isEqualTo(33_818);
    }

    /**
     * Each label comes back: the vectoriser yields a polygon whose IoU with the label's pixel footprint (the
     * pixel squares whose centres the label covers — all that a 0.5 m mask can know of it) is >= 0.99.
     */
    @Test
    void vectorisingTheMaskGivesBackEachLabelsFootprint() {
        List<ClassPolygon> vectors = MaskVectorizer.vectorize(classMask, grid, MaskVectorizer.Settings.exceptBackground());
        assertThat(vectors).allSatisfy(p -> {
            assertThat(p.classIndex()).isEqualTo(BUILDING);
            assertThat(p.polygon().isValid()).isTrue();
        });
        assertThat(vectors.stream().mapToLong(ClassPolygon::pixels).sum()).isEqualTo(33_818);
        assertThat(vectors.stream().mapToDouble(p -> p.polygon().getArea()).sum()).isEqualTo(33_818 * 0.25);

        double minFootprintIou = 1;
        double minLabelIou = 1;
        double sumLabelIou = 0;
        for (Geometry label : labels) {
            byte[] alone = MaskRasterizer.rasterize(List.of(label), BUILDING, grid);
            List<ClassPolygon> footprint = MaskVectorizer.vectorize(alone, grid,
                    MaskVectorizer.Settings.exceptBackground());
            Geometry footprintShape = new GeometryFactory().buildGeometry(
                    footprint.stream().map(ClassPolygon::polygon).toList()).union();
            minFootprintIou = Math.min(minFootprintIou, bestIou(footprintShape, vectors));
            double labelIou = bestIou(label.intersection(extentShape()), vectors);
            minLabelIou = Math.min(minLabelIou, labelIou);
            sumLabelIou += labelIou;
        }
        System.out.printf("SpaceNet vectoriser: %d polygons for %d labels; IoU with the label footprints: min %.4f;"
                + " with the label polygons themselves: min %.4f, mean %.4f%n", vectors.size(), labels.size(),
                minFootprintIou, minLabelIou, sumLabelIou / labels.size());
        assertThat(minFootprintIou).isGreaterThanOrEqualTo(0.99);
    }

    /**
     * Against the label polygons themselves the outline can only be as good as the pixel-centre rule allows:
     * a pixel edge between an inside and an outside centre lies within half a pixel diagonal (0.354 m) of
     * the true boundary, which crosses the segment joining the two centres. Every point of every vector
     * outline (densified to 1/4 pixel) must keep that bound.
     */
    @Test
    void everyOutlinePointIsWithinHalfAPixelDiagonalOfTheLabelBoundary() {
        List<ClassPolygon> vectors = MaskVectorizer.vectorize(classMask, grid, MaskVectorizer.Settings.exceptBackground());
        Geometry truth = new GeometryFactory().buildGeometry(labels).union().intersection(extentShape());
        Geometry truthBoundary = truth.getBoundary();
        Geometry extentBoundary = extentShape().getBoundary();
        double bound = Math.sqrt(0.5) * 0.5 + 1e-9;
        double worst = 0;
        int points = 0;
        for (ClassPolygon v : vectors) {
            for (Coordinate c : Densifier.densify(v.polygon(), 0.125).getCoordinates()) {
                Point p = truth.getFactory().createPoint(c);
                if (extentBoundary.distance(p) < 1e-9) {
                    continue; // on the image edge, where the clipped label boundary is the edge itself
                }
                worst = Math.max(worst, truthBoundary.distance(p));
                points++;
            }
        }
        System.out.printf("SpaceNet outlines: %d points, farthest %.4f m from the label boundary (bound %.4f m)%n",
                points, worst, bound);
        assertThat(points).isGreaterThan(10_000);
        assertThat(worst).isLessThanOrEqualTo(bound);
    }

    private static double bestIou(Geometry shape, List<ClassPolygon> vectors) {
        double best = 0;
        for (ClassPolygon v : vectors) {
            best = Math.max(best, iou(shape, v.polygon()));
        }
        return best;
    }

    private static Geometry extentShape() {
        return new GeometryFactory().toGeometry(extent(grid));
    }

    @Test
    void rasterisingTheVectorsReproducesTheMaskExactly() {
        List<ClassPolygon> vectors = MaskVectorizer.vectorize(classMask, grid, MaskVectorizer.Settings.exceptBackground());
        List<Polygon> polygons = vectors.stream().map(ClassPolygon::polygon).toList();
        assertThat(countDiffering(MaskRasterizer.rasterize(polygons, BUILDING, grid), classMask)).isZero();
    }

    @Test
    void geoJsonIn4326LiesInTheSourceMdBox() throws Exception {
        List<ClassPolygon> vectors = MaskVectorizer.vectorize(classMask, grid, MaskVectorizer.Settings.exceptBackground());
        GeoJsonFeatures.Origin origin = new GeoJsonFeatures.Origin("sample/r000c000", "sample", "unet@3", null);
        JsonNode fc = JSON.readTree(GeoJsonFeatures.inWgs84(vectors, 32616, origin, false));
        assertThat(fc.get("type").asText()).isEqualTo("FeatureCollection");
        assertThat(fc.has("crs")).isFalse();
        assertThat(fc.get("features")).hasSize(vectors.size());
        int points = 0;
        for (JsonNode f : fc.get("features")) {
            assertThat(f.get("properties").get("classIndex").asInt()).isEqualTo(BUILDING);
            assertThat(f.get("properties").get("class").asText()).isEqualTo("class-" + BUILDING);
            assertThat(f.get("properties").get("area").asDouble()).isPositive();
            for (JsonNode ring : f.get("geometry").get("coordinates")) {
                for (JsonNode xy : ring) {
                    // SOURCE.md: 84.481°W–84.476°W, 33.636°N–33.640°N (rounded to 1e-3, so half a unit of slack).
                    assertThat(xy.get(0).asDouble()).isBetween(-84.4815, -84.4755);
                    assertThat(xy.get(1).asDouble()).isBetween(33.6355, 33.6405);
                    points++;
                }
            }
        }
        assertThat(points).isGreaterThan(100);
    }

    static double iou(Geometry a, Geometry b) {
        if (!a.getEnvelopeInternal().intersects(b.getEnvelopeInternal())) {
            return 0;
        }
        double inter = a.intersection(b).getArea();
        return inter / (a.getArea() + b.getArea() - inter);
    }

    static Envelope extent(PixelGrid g) {
        Envelope e = new Envelope();
        List<Double> t = g.geoTransform();
        e.expandToInclude(t.get(0), t.get(3));
        e.expandToInclude(t.get(0) + g.width() * t.get(1), t.get(3) + g.height() * t.get(5));
        return e;
    }

    static long count(byte[] mask, int value) {
        long n = 0;
        for (byte b : mask) {
            if ((b & 0xFF) == value) {
                n++;
            }
        }
        return n;
    }

    static long countDiffering(byte[] a, byte[] b) {
        assertThat(a).hasSameSizeAs(b);
        long n = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                n++;
            }
        }
        return n;
    }
}
