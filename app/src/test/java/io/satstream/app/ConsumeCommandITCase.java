package io.satstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.satstream.app.internal.SafeFileNames;
import io.satstream.kafka.testing.KafkaTestBroker;
import io.satstream.raster.RasterDecoder;
import io.satstream.raster.RasterImage;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.GeoReference;
import io.satstream.schemas.Headers;
import io.satstream.schemas.Segmentation;
import io.satstream.schemas.Timings;
import io.satstream.schemas.XyzAddress;
import io.satstream.testing.oracles.Gdal;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code satstream consume} against a real broker: segmentations produced in committed and aborted
 * transactions, plus records that are not usable, become exactly the expected files.
 */
class ConsumeCommandITCase {
    private static final List<String> CLASSES = List.of("background", "building", "road", "water");
    private static final String MODEL = "unet-sop@7";
    private static final String GEO_TILE = "scene-42/r0c1";
    private static final String XYZ_TILE = "xyz-15-16383-10890";
    private static final String PLAIN_TILE = "plain_tile";
    private static final List<Double> GT = List.of(733601.0, 0.5, 0.0, 3725139.0, 0.0, -0.5);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    private static String bootstrap;
    private static String topic;
    private static Segmentation geo;
    private static Segmentation xyz;
    private static Segmentation plain;
    private static CliRun run;
    private static Path out;

    @BeforeAll
    static void produceAndConsume() throws Exception {
        bootstrap = KafkaTestBroker.bootstrapServers();
        topic = "segmentations-it-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        geo = segmentation(GEO_TILE, 8, 6, GeoReference.newBuilder().setEpsg(32616).setGeoTransform(GT).setXyz(null).build());
        xyz = segmentation(XYZ_TILE, 4, 4, GeoReference.newBuilder().setEpsg(null).setGeoTransform(null)
                .setXyz(XyzAddress.newBuilder().setZ(15).setX(16383).setY(10890).build()).build());
        plain = segmentation(PLAIN_TILE, 5, 3, null);
        Segmentation aborted = segmentation("aborted-tile", 4, 4, null);
        Segmentation badMask = Segmentation.newBuilder(segmentation("bad-mask", 4, 4, null))
                .setMask(ByteBuffer.wrap(new byte[] {0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})).build();

        AvroCodec<Segmentation> codec = AvroCodec.segmentation();
        try (KafkaProducer<String, byte[]> producer = transactionalProducer()) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(record(codec, geo, MODEL));
            producer.send(record(codec, xyz, MODEL));
            producer.send(new ProducerRecord<>(topic, "junk", "not an avro record".getBytes(StandardCharsets.UTF_8)));
            producer.send(record(codec, badMask, MODEL));
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(record(codec, aborted, MODEL));
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, plain.getTileId(), codec.encode(plain))); // no header
            producer.commitTransaction();
        }

        out = tmp.resolve("out");
        run = CliRun.of("consume", "--bootstrap", bootstrap, "--topic", topic, "--out", out.toString(),
                "--idle", "3s", "--work-dir", tmp.resolve("work").toString());
    }

    @Test
    void exitsZeroWhenIdleAndSummarises() {
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines()).last().asString()
                .startsWith("consumed 3 segmentations into " + out.toAbsolutePath())
                .contains("2 skipped")
                .contains("idle for 3s");
        assertThat(run.out()).contains("warning: skipped " + topic).contains("(key junk)").contains("(key bad-mask)");
    }

    @Test
    void writesExactlyTheCommittedValidRecordsAndNothingHalfWritten() throws IOException {
        String g = SafeFileNames.forId(GEO_TILE);
        assertThat(g).doesNotContain("/");
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()).collect(Collectors.toSet())).isEqualTo(Set.of(
                    g + ".png", g + ".json", g + ".tif",
                    XYZ_TILE + ".png", XYZ_TILE + ".json", XYZ_TILE + ".tif",
                    PLAIN_TILE + ".png", PLAIN_TILE + ".json"));
        }
    }

    @Test
    void pngHoldsTheClassOfEveryPixelAndNamesTheClasses() throws IOException {
        for (Segmentation s : List.of(geo, xyz, plain)) {
            BufferedImage png = ImageIO.read(out.resolve(SafeFileNames.forId(s.getTileId()) + ".png").toFile());
            assertThat(png.getWidth()).isEqualTo(s.getWidth());
            assertThat(png.getHeight()).isEqualTo(s.getHeight());
            assertThat(png.getColorModel()).isInstanceOf(IndexColorModel.class);
            assertThat(pixels(png)).isEqualTo(mask(s));
        }
    }

    @Test
    void sidecarCarriesTheRecordAndTheModelVersionHeader() throws IOException {
        JsonNode json = JSON.readTree(out.resolve(SafeFileNames.forId(GEO_TILE) + ".json").toFile());
        assertThat(json.get("tileId").asText()).isEqualTo(GEO_TILE);
        assertThat(json.get("modelVersion").asText()).isEqualTo(MODEL);
        assertThat(json.get("modelVersionFrom").asText()).isEqualTo("header");
        assertThat(json.get("width").asInt()).isEqualTo(8);
        assertThat(json.get("height").asInt()).isEqualTo(6);
        assertThat(texts(json.get("classNames"))).isEqualTo(CLASSES);
        List<Long> counts = new ArrayList<>();
        json.get("classPixelCounts").forEach(n -> counts.add(n.asLong()));
        assertThat(counts).isEqualTo(geo.getClassPixelCounts());
        assertThat(json.get("meanConfidence").asDouble()).isCloseTo(geo.getMeanConfidence(), within(1e-6));
        assertThat(json.at("/georef/epsg").asInt()).isEqualTo(32616);
        List<Double> gt = new ArrayList<>();
        json.at("/georef/geoTransform").forEach(n -> gt.add(n.asDouble()));
        assertThat(gt).isEqualTo(GT);
        assertThat(json.at("/timings/ingestedAt").asText()).isEqualTo(geo.getTimings().getIngestedAt().toString());
        assertThat(json.at("/timings/ingestToSegmentMs").asLong()).isEqualTo(1234);
        assertThat(json.at("/timings/batchSize").asInt()).isEqualTo(4);
        assertThat(json.at("/kafka/topic").asText()).isEqualTo(topic);
        assertThat(json.at("/files/png").asText()).isEqualTo(SafeFileNames.forId(GEO_TILE) + ".png");
        assertThat(json.at("/files/tif").asText()).isEqualTo(SafeFileNames.forId(GEO_TILE) + ".tif");

        JsonNode xyzJson = JSON.readTree(out.resolve(XYZ_TILE + ".json").toFile());
        assertThat(xyzJson.at("/georef/xyz/z").asInt()).isEqualTo(15);
        assertThat(xyzJson.at("/georef/epsg").isNull()).isTrue();

        JsonNode plainJson = JSON.readTree(out.resolve(PLAIN_TILE + ".json").toFile());
        assertThat(plainJson.get("georef").isNull()).isTrue();
        assertThat(plainJson.at("/files/tif").isMissingNode()).isTrue();
        // No header: the version comes from the record itself, and the sidecar says so.
        assertThat(plainJson.get("modelVersion").asText()).isEqualTo("unet-sop@7");
        assertThat(plainJson.get("modelVersionFrom").asText()).isEqualTo("record");
    }

    @Test
    void geoTiffIsPlacedLikeTheTile() throws IOException {
        RasterImage tif = new RasterDecoder().decode(Files.readAllBytes(out.resolve(SafeFileNames.forId(GEO_TILE) + ".tif")));
        assertThat(tif.width()).isEqualTo(8);
        assertThat(tif.height()).isEqualTo(6);
        assertThat(tif.pixels()).isEqualTo(mask(geo));
        assertThat(tif.georef().getEpsg()).isEqualTo(32616);
        assertThat(tif.georef().getGeoTransform()).isEqualTo(GT);

        RasterImage xyzTif = new RasterDecoder().decode(Files.readAllBytes(out.resolve(XYZ_TILE + ".tif")));
        assertThat(xyzTif.georef().getEpsg()).isEqualTo(3857);
        assertThat(xyzTif.pixels()).isEqualTo(mask(xyz));
    }

    @Test
    void gdalAgreesOnTheGeoTiff() throws Exception {
        Gdal.require();
        Path tif = out.resolve(SafeFileNames.forId(GEO_TILE) + ".tif");
        JsonNode info = Gdal.info(tif);
        assertThat(info.at("/size/0").asInt()).isEqualTo(8);
        assertThat(info.at("/size/1").asInt()).isEqualTo(6);
        List<Double> gt = new ArrayList<>();
        info.get("geoTransform").forEach(n -> gt.add(n.asDouble()));
        assertThat(gt).isEqualTo(GT);
        assertThat(info.at("/coordinateSystem/wkt").asText()).contains("\"EPSG\",32616");
    }

    // --- fixtures ---

    /** A w×h mask cycling through the four classes, with consistent counts and timings. */
    private static Segmentation segmentation(String tileId, int w, int h, GeoReference georef) {
        byte[] mask = new byte[w * h];
        long[] counts = new long[CLASSES.size()];
        for (int i = 0; i < mask.length; i++) {
            int cls = (i / 3 + i % w) % CLASSES.size();
            mask[i] = (byte) cls;
            counts[cls]++;
        }
        Instant ingested = Instant.parse("2025-01-02T03:04:05.678Z");
        return Segmentation.newBuilder()
                .setTileId(tileId)
                .setSceneId("scene-42")
                .setSource("it")
                .setModelName("unet-sop")
                .setModelVersion(7)
                .setRuntime("onnxruntime")
                .setClassNames(CLASSES)
                .setWidth(w)
                .setHeight(h)
                .setMask(ByteBuffer.wrap(mask))
                .setClassPixelCounts(java.util.Arrays.stream(counts).boxed().toList())
                .setMeanConfidence(0.8125f)
                .setGeoref(georef)
                .setPlacement(null)
                .setTimings(Timings.newBuilder()
                        .setIngestedAt(ingested)
                        .setSegmentedAt(ingested.plusMillis(1234))
                        .setDecodeMicros(150)
                        .setInferenceMicros(9000)
                        .setBatchSize(4)
                        .build())
                .build();
    }

    private static ProducerRecord<String, byte[]> record(AvroCodec<Segmentation> codec, Segmentation s, String model) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, s.getTileId(), codec.encode(s));
        r.headers().add(Headers.MODEL_VERSION, model.getBytes(StandardCharsets.UTF_8));
        return r;
    }

    private static KafkaProducer<String, byte[]> transactionalProducer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "consume-it-" + UUID.randomUUID());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static byte[] mask(Segmentation s) {
        ByteBuffer b = s.getMask().duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
    }

    private static byte[] pixels(BufferedImage image) {
        byte[] values = new byte[image.getWidth() * image.getHeight()];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                values[y * image.getWidth() + x] = (byte) image.getRaster().getSample(x, y, 0);
            }
        }
        return values;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(n -> values.add(n.asText()));
        return values;
    }
}
