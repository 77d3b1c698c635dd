package io.satstream.jobs.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import io.satstream.jobs.records.SegmentationRecord;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.GeoReference;
import io.satstream.schemas.Headers;
import io.satstream.schemas.MaskValues;
import io.satstream.schemas.Segmentation;
import io.satstream.schemas.TilePlacement;
import io.satstream.schemas.Timings;
import io.satstream.schemas.XyzAddress;

class VectorizeFunctionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CLASSES = List.of("background", "building", "water");
    /** UTM 31N around the central meridian (3°E), 10 m pixels. */
    private static final GeoReference UTM = GeoReference.newBuilder().setEpsg(32631).setXyz(null)
            .setGeoTransform(List.of(500000.0, 10.0, 0.0, 4000000.0, 0.0, -10.0)).build();

    /** 8x8 tile: a 3x2 building at (1,1), water in column 6..7 of every row. */
    private static Segmentation segmentation(String tileId, GeoReference georef, TilePlacement placement) {
        byte[] mask = new byte[64];
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                mask[y * 8 + x] = (byte) (x >= 6 ? 2 : (x >= 1 && x <= 3 && y >= 1 && y <= 2) ? 1 : 0);
            }
        }
        Instant at = Instant.parse("2025-01-02T03:04:05Z");
        return Segmentation.newBuilder().setTileId(tileId).setSceneId("scene").setSource("test").setModelName("unet")
                .setModelVersion(3).setRuntime("onnxruntime").setClassNames(CLASSES).setWidth(8).setHeight(8)
                .setMask(ByteBuffer.wrap(mask)).setClassPixelCounts(List.of(44L, 6L, 16L)).setMeanConfidence(0.9f)
                .setGeoref(georef).setPlacement(placement)
                .setTimings(Timings.newBuilder().setIngestedAt(at).setSegmentedAt(at).setDecodeMicros(1)
                        .setInferenceMicros(1).setBatchSize(1).build())
                .build();
    }

    private static JsonNode convert(Segmentation s) throws Exception {
        SegmentationFeatures.Result r = new SegmentationFeatures(VectorizeFunction.DEFAULT_SKIP_CLASSES, 0, 0)
                .convert(s, "unet@3");
        assertThat(r.skipped()).isNull();
        return JSON.readTree(r.geoJson());
    }

    /** A 64x64 georeferenced tile of per-pixel random classes. */
    private static Segmentation speckled(String tileId) {
        int side = 64;
        byte[] noise = new byte[side * side];
        java.util.Random rnd = new java.util.Random(4);
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (byte) rnd.nextInt(CLASSES.size());
        }
        return Segmentation.newBuilder(segmentation(tileId, UTM, null))
                .setWidth(side).setHeight(side).setMask(ByteBuffer.wrap(noise)).build();
    }

    @Test
    void speckledMaskGetsAnEmptyCollectionSayingWhyInsteadOfStallingTheBranch() throws Exception {
        SegmentationFeatures.Result r = new SegmentationFeatures(VectorizeFunction.DEFAULT_SKIP_CLASSES, 0, 0)
                .convert(speckled("noisy"), "unet@3");
        assertThat(r.skipped()).isEqualTo("mask too fragmented to vectorise: 2712 row runs, limit 512");
        JsonNode fc = JSON.readTree(r.geoJson());
        assertThat(fc.get("type").asText()).isEqualTo("FeatureCollection");
        assertThat(fc.get("features")).isEmpty();
        assertThat(fc.get("skipped").asText()).isEqualTo(r.skipped());
        assertThat(fc.get("tileId").asText()).isEqualTo("noisy");
        assertThat(fc.get("modelVersion").asText()).isEqualTo("unet@3");
        assertThat(fc.get("sourceCrs").asText()).isEqualTo("EPSG:32631");
        assertThat(SegmentationFeatures.countRuns(new byte[] {0, 0, 1, 1, 0, 2, 2, 2}, 4, 2)).isEqualTo(4);
    }

    @Test
    void georeferencedTileBecomesLonLatFeaturesPerClassWithTheirSourceGeometry() throws Exception {
        JsonNode fc = convert(segmentation("scene/r000c000", UTM, null));
        assertThat(fc.get("type").asText()).isEqualTo("FeatureCollection");
        assertThat(fc.get("sourceCrs").asText()).isEqualTo("EPSG:32631");
        assertThat(fc.get("features")).hasSize(2);
        JsonNode building = fc.get("features").get(0);
        assertThat(building.at("/properties/class").asText()).isEqualTo("building");
        assertThat(building.at("/properties/pixels").asLong()).isEqualTo(6);
        assertThat(building.at("/properties/area").asDouble()).isEqualTo(600.0);
        assertThat(building.at("/properties/tileId").asText()).isEqualTo("scene/r000c000");
        assertThat(building.at("/properties/modelVersion").asText()).isEqualTo("unet@3");
        assertThat(building.at("/sourceGeometry/coordinates/0")).extracting(JsonNode::toString)
                .asString().contains("500010").contains("3999990");
        for (JsonNode xy : building.at("/geometry/coordinates/0")) {
            assertThat(xy.get(0).asDouble()).isBetween(3.0, 3.001); // lon first
            assertThat(xy.get(1).asDouble()).isBetween(36.13, 36.15);
        }
        assertThat(fc.get("features").get(1).at("/properties/class").asText()).isEqualTo("water");
        assertThat(fc.get("features").get(1).at("/properties/pixels").asLong()).isEqualTo(16);
    }

    @Test
    void paddingPastTheSceneEdgeIsNotVectorised() throws Exception {
        // The scene ends 6 px into this tile: the water columns 6..7 are padding.
        TilePlacement edge = TilePlacement.newBuilder().setRow(0).setCol(1).setXOffset(10).setYOffset(0)
                .setSceneWidth(16).setSceneHeight(8).setOverlap(2).build();
        JsonNode fc = convert(segmentation("scene/r000c001", UTM, edge));
        assertThat(fc.get("features")).hasSize(1);
        assertThat(fc.get("features").get(0).at("/properties/class").asText()).isEqualTo("building");
    }

    @Test
    void xyzTilesAreInWebMercatorAndUngeoreferencedOnesAreSkipped() throws Exception {
        GeoReference xyz = GeoReference.newBuilder().setEpsg(null).setGeoTransform(null)
                .setXyz(XyzAddress.newBuilder().setZ(18).setX(131072).setY(131072).build()).build();
        JsonNode fc = convert(segmentation("xyz/18/131072/131072", xyz, null));
        assertThat(fc.get("sourceCrs").asText()).isEqualTo("EPSG:3857");
        JsonNode xy = fc.at("/features/0/geometry/coordinates/0/0");
        assertThat(xy.get(0).asDouble()).isBetween(0.0, 0.01);
        assertThat(xy.get(1).asDouble()).isBetween(-0.01, 0.0);

        SegmentationFeatures features = new SegmentationFeatures(Set.of("background"), 0, 0);
        SegmentationFeatures.Result plain = features.convert(segmentation("plain", null, null), null);
        assertThat(plain.skipped()).isEqualTo("not georeferenced");
        assertThat(plain.geoJson()).as("no collection without georeference").isNull();
        // Georeferenced in a CRS that cannot be reprojected: still one collection, empty, saying why.
        GeoReference unknown = GeoReference.newBuilder(UTM).setEpsg(999_999).build();
        SegmentationFeatures.Result odd = features.convert(segmentation("odd", unknown, null), null);
        assertThat(odd.skipped()).contains("EPSG:999999");
        JsonNode oddFc = JSON.readTree(odd.geoJson());
        assertThat(oddFc.get("features")).isEmpty();
        assertThat(oddFc.get("skipped").asText()).isEqualTo(odd.skipped());
    }

    @Test
    void noDataPixelsNeverBecomeAFeatureEvenWithNothingSkipped() throws Exception {
        // Column 0 (background in the fixture) had no data.
        Segmentation s = segmentation("scene/r000c000", UTM, null);
        byte[] mask = new byte[64];
        s.getMask().duplicate().get(mask);
        for (int y = 0; y < 8; y++) {
            mask[y * 8] = (byte) MaskValues.NO_DATA;
        }
        Segmentation withNoData = Segmentation.newBuilder(s).setMask(ByteBuffer.wrap(mask))
                .setNodata(MaskValues.NO_DATA).build();
        SegmentationFeatures.Result r = new SegmentationFeatures(Set.of(), 0, 0).convert(withNoData, "unet@3");
        assertThat(r.skipped()).isNull();
        JsonNode features = JSON.readTree(r.geoJson()).get("features");
        List<String> classes = new ArrayList<>();
        long pixels = 0;
        for (JsonNode f : features) {
            assertThat(f.at("/properties/classIndex").asInt()).isLessThan(CLASSES.size());
            classes.add(f.at("/properties/class").asText());
            pixels += f.at("/properties/pixels").asLong();
        }
        assertThat(classes).containsExactly("background", "building", "water");
        assertThat(pixels).as("every pixel but the 8 without data").isEqualTo(56);
    }

    @Test
    void aTileWithOnlyBackgroundStillGetsAnEmptyCollection() throws Exception {
        Segmentation s = segmentation("scene/r000c000", UTM, null);
        Segmentation empty = Segmentation.newBuilder(s).setMask(ByteBuffer.wrap(new byte[64])).build();
        JsonNode fc = convert(empty);
        assertThat(fc.get("features")).isEmpty();
        assertThat(fc.get("tileId").asText()).isEqualTo("scene/r000c000");
    }

    @Test
    void runsInAFlinkPipelineWithOneRecordPerGeoreferencedTileAndTheSkipReasonInAHeader() throws Exception {
        AvroCodec<Segmentation> codec = AvroCodec.segmentation();
        List<SegmentationRecord> in = List.of(
                new SegmentationRecord("scene/r000c000", codec.encode(segmentation("scene/r000c000", UTM, null)),
                        "unet@3"),
                new SegmentationRecord("plain", codec.encode(segmentation("plain", null, null)), "unet@3"),
                new SegmentationRecord("junk", "not avro".getBytes(StandardCharsets.UTF_8), "unet@3"),
                new SegmentationRecord("scene/r000c001", codec.encode(speckled("scene/r000c001")), "unet@3"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        List<FeatureRecord> out = new ArrayList<>();
        try (CloseableIterator<FeatureRecord> it = env.fromData(in).flatMap(new VectorizeFunction())
                .executeAndCollect()) {
            it.forEachRemaining(out::add);
        }
        assertThat(out).extracting(r -> r.tileId).containsExactly("scene/r000c000", "scene/r000c001");
        assertThat(out.get(0).modelVersion).isEqualTo("unet@3");
        assertThat(out.get(0).skipped).isNull();
        assertThat(JSON.readTree(out.get(0).geoJson).get("features")).hasSize(2);
        assertThat(out.get(1).skipped).startsWith("mask too fragmented to vectorise");
        assertThat(JSON.readTree(out.get(1).geoJson).get("skipped").asText()).isEqualTo(out.get(1).skipped);

        ProducerRecord<byte[], byte[]> record = new FeatureRecordSerializer("segmentation-features")
                .serialize(out.get(0), null, 42L);
        assertThat(record.topic()).isEqualTo("segmentation-features");
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("scene/r000c000");
        assertThat(record.value()).isEqualTo(out.get(0).geoJson);
        assertThat(new String(record.headers().lastHeader(Headers.MODEL_VERSION).value(), StandardCharsets.UTF_8))
                .isEqualTo("unet@3");
        assertThat(record.headers().lastHeader(Headers.FEATURES_SKIPPED)).as("all features there").isNull();
        ProducerRecord<byte[], byte[]> skipped = new FeatureRecordSerializer("segmentation-features")
                .serialize(out.get(1), null, 43L);
        assertThat(new String(skipped.headers().lastHeader(Headers.FEATURES_SKIPPED).value(), StandardCharsets.UTF_8))
                .isEqualTo(out.get(1).skipped);
        assertThat(skipped.value()).isEqualTo(out.get(1).geoJson);
        assertThatThrownBy(() -> new FeatureRecordSerializer(" ")).hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> new VectorizeFunction(Set.of(), -1, 0)).hasMessageContaining("tolerance");
    }
}
