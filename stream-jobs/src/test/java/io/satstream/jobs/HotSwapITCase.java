package io.satstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.jobs.records.RawTileRecord;
import io.satstream.kafka.SatstreamTopics;
import io.satstream.kafka.testing.KafkaTestBroker;
import io.satstream.modelstore.InputSpecJson;
import io.satstream.modelstore.ManifestDraft;
import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelStore;
import io.satstream.modelstore.events.ModelEventPublisher;
import io.satstream.modelstore.events.ModelEvents;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.Headers;
import io.satstream.schemas.ModelEvent;
import io.satstream.schemas.ModelEventType;
import io.satstream.training.OnnxExporter;
import io.satstream.training.SegmentationNet;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterRESTAddress;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot swap in a running {@link SegmentationJob} with parallelism 2 under a continuous feed, on a real broker and
 * MiniCluster: promotions and a rollback go live in every subtask, refused versions leave the serving one with a
 * REJECTED event and a metric, and a failure injected during a swap keeps the output exactly-once. Every output
 * record carries {@code model-version}, {@code model-subtask} and {@code model-generation}, from which the test
 * rebuilds each subtask's sequence of versions.
 */
class HotSwapITCase {
    private static final Duration SWITCH_TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .build());

    @TempDir
    static Path storeDir;
    static ModelStore store;
    static ModelManifest v1;
    static ModelManifest v2;
    static ModelManifest v3;

    @BeforeAll
    static void models() {
        TestModelStore.ThreeVersions versions = TestModelStore.ThreeVersions.in(storeDir);
        store = versions.store();
        v1 = versions.v1();
        v2 = versions.v2();
        v3 = versions.v3();
    }

    @BeforeEach
    void v1Serves() {
        // A fresh job starts from serving.json: each test starts with v1 there, whatever the one before left.
        store.promote("unet", v1.version());
    }

    private static ModelManifest reRegister(ModelManifest base) {
        return TestModelStore.reRegister(store, base);
    }

    @Test
    void promotionsAndARollbackGoLiveInEverySubtaskAndRefusedVersionsLeaveTheServingOne(
            @InjectClusterRESTAddress URI rest) throws Exception {
        try (Run run = Run.start("swap", null)) {
            run.awaitOutput(20);
            List<Long> promotedAt = new ArrayList<>(List.of(0L)); // generation 0: v1, serving from the start
            List<Long> allSwitchedAt = new ArrayList<>();

            promotedAt.add(run.publish(v2, ModelEventType.PROMOTED));
            allSwitchedAt.add(run.awaitGeneration(1));
            promotedAt.add(run.publish(v3, ModelEventType.PROMOTED));
            allSwitchedAt.add(run.awaitGeneration(2));
            store.promote("unet", v2.version());
            store.promote("unet", v3.version());
            assertThat(store.rollback("unet")).isEqualTo(v2.version());
            promotedAt.add(run.publish(v2, ModelEventType.ROLLED_BACK));
            allSwitchedAt.add(run.awaitGeneration(3));

            // Refused: one flipped byte in the ONNX file (the event still names the registered sha256), and a
            // model taking four bands where the stream's tiles have three.
            ModelManifest flipped = reRegister(v1);
            Path onnx = store.versionDir("unet", flipped.version()).resolve(ModelManifest.MODEL_FILE);
            byte[] bytes = Files.readAllBytes(onnx);
            bytes[bytes.length / 2] ^= 0x01;
            onnx.toFile().setWritable(true);
            Files.write(onnx, bytes);
            run.publish(flipped, ModelEventType.PROMOTED);
            ModelManifest fourBands = store.register("unet",
                    OnnxExporter.exportInitialised(new SegmentationNet(new SegmentationNet.Config(4, 6, 8))),
                    new ManifestDraft(v1.version(), "test", new InputSpecJson(List.of("red", "green", "blue", "nir"),
                            64, 255f, new float[] {.5f, .5f, .5f, .5f}, new float[] {.25f, .25f, .25f, .25f}),
                            TestModelStore.CLASSES, Map.of(), v1.network()));
            run.publish(fourBands, ModelEventType.PROMOTED);
            List<ModelEvent> rejected = run.awaitEvents(e -> e.getType() == ModelEventType.REJECTED, 4);
            assertThat(rejected).extracting(e -> e.getVersion() + "/" + e.getReason() + "/" + e.getSubtask())
                    .containsExactlyInAnyOrder(flipped.version() + "/checksum/0", flipped.version() + "/checksum/1",
                            fourBands.version() + "/bands/0", fourBands.version() + "/bands/1");
            assertThat(rejected).allSatisfy(e -> assertThat(e.getMessage()).isNotBlank());
            Map<String, Long> refusals = run.refusalMetrics(rest);
            assertThat(refusals).containsEntry("checksum", 2L).containsEntry("bands", 2L);
            assertThat(refusals.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(4);

            // the refused versions changed nothing: tiles after them still come from the rolled-back-to v2
            long afterRefusals = System.currentTimeMillis();
            run.awaitOutputs(r -> r.timestamp() > afterRefusals, 10);
            Outputs out = run.finish();

            out.assertEveryTileExactlyOnce();
            List<String> order = List.of("unet@1", v2.ref(), v3.ref(), v2.ref());
            out.assertEachSubtaskFollowed(order, 2);
            // A record of generation g was produced after g's event was published and before every subtask was
            // seen serving generation g + 1.
            for (Rec r : out.records) {
                assertThat(r.timestamp).as("%s", r).isGreaterThanOrEqualTo(promotedAt.get((int) r.generation));
                if (r.generation < allSwitchedAt.size()) {
                    assertThat(r.timestamp).as("%s", r).isLessThanOrEqualTo(allSwitchedAt.get((int) r.generation));
                }
            }
        }
    }

    @Test
    void aFailureDuringASwapKeepsTheOutputExactlyOnceAndRecoveredSubtasksServeThePromotion() throws Exception {
        FailOnMarker.reset();
        try (Run run = Run.start("swap-failure", new FailOnMarker())) {
            run.awaitOutput(20);
            run.publish(v2, ModelEventType.PROMOTED);
            // while the subtasks fetch, verify and warm up v2, a tile makes the source side of the job fail
            run.send(FailOnMarker.MARKER);
            run.awaitGeneration(1);
            Outputs out = run.finish();
            assertThat(FailOnMarker.FAILED).as("the failure was injected").isTrue();
            assertThat(FailOnMarker.OPENS.get()).as("the job restarted").isGreaterThan(2);
            out.assertEveryTileExactlyOnce();
            out.assertEachSubtaskFollowed(List.of("unet@1", v2.ref()), 2);
        }
    }

    /** Passes records on; throws once when the marker tile passes, so every task restarts from its checkpoint. */
    static final class FailOnMarker extends RichMapFunction<RawTileRecord, RawTileRecord> {
        static final String MARKER = "fail-here";
        static volatile boolean FAILED;
        static final AtomicInteger OPENS = new AtomicInteger();

        static void reset() {
            FAILED = false;
            OPENS.set(0);
        }

        @Override
        public void open(OpenContext ctx) {
            OPENS.incrementAndGet();
        }

        @Override
        public RawTileRecord map(RawTileRecord value) {
            if (!FAILED && value.key != null && new String(value.key, StandardCharsets.UTF_8).equals(MARKER)) {
                FAILED = true;
                throw new IllegalStateException("injected failure during a model swap");
            }
            return value;
        }
    }

    /** One committed output record, as the test reads it. */
    record Rec(String tileId, String version, int subtask, long generation, long timestamp) {
        static Rec of(ConsumerRecord<byte[], byte[]> r) {
            return new Rec(new String(r.key(), StandardCharsets.UTF_8), header(r, Headers.MODEL_VERSION),
                    Integer.parseInt(header(r, Headers.MODEL_SUBTASK)),
                    Long.parseLong(header(r, Headers.MODEL_GENERATION)), r.timestamp());
        }

        private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
            var h = r.headers().lastHeader(name);
            assertThat(h).as("header %s of %s", name, new String(r.key(), StandardCharsets.UTF_8)).isNotNull();
            return new String(h.value(), StandardCharsets.UTF_8);
        }
    }

    record Outputs(List<String> sent, List<Rec> records) {
        void assertEveryTileExactlyOnce() {
            List<String> ids = records.stream().map(Rec::tileId).toList();
            assertThat(ids).as("no tile twice").doesNotHaveDuplicates();
            assertThat(ids).as("every tile sent, nothing else").containsExactlyInAnyOrderElementsOf(sent);
        }

        /** Each subtask's generation g was served by {@code order.get(g)} alone, and every subtask reached the end. */
        void assertEachSubtaskFollowed(List<String> order, int subtasks) {
            Map<Integer, Map<Long, Set<String>>> bySubtask = new TreeMap<>();
            for (Rec r : records) {
                bySubtask.computeIfAbsent(r.subtask, s -> new TreeMap<>())
                        .computeIfAbsent(r.generation, g -> new java.util.TreeSet<>()).add(r.version);
            }
            assertThat(bySubtask.keySet()).as("subtasks that produced output").hasSize(subtasks);
            bySubtask.forEach((subtask, generations) -> {
                generations.forEach((g, versions) -> assertThat(versions)
                        .as("subtask %d, generation %d", subtask, g).containsExactly(order.get((int) (long) g)));
                assertThat(generations.keySet()).as("subtask %d reached the last version", subtask)
                        .contains((long) order.size() - 1);
            });
        }
    }

    /** A job on topics of its own, a feed of tiles at a steady rate, and readers of what it commits. */
    static final class Run implements AutoCloseable {
        final SatstreamTopics.Names topics;
        final String bootstrap = KafkaTestBroker.bootstrapServers();
        final JobClient job;
        final KafkaProducer<byte[], byte[]> producer;
        final ModelEventPublisher publisher;
        final List<String> sent = new CopyOnWriteArrayList<>();
        final List<ConsumerRecord<byte[], byte[]>> segmentations = new CopyOnWriteArrayList<>();
        final List<ModelEvent> events = new CopyOnWriteArrayList<>();
        final AtomicBoolean feeding = new AtomicBoolean(true);
        final AtomicBoolean reading = new AtomicBoolean(true);
        final Thread feeder;
        final Thread reader;

        private Run(String name, RichMapFunction<RawTileRecord, RawTileRecord> tap) throws Exception {
            String run = name + "-" + UUID.randomUUID().toString().substring(0, 8);
            topics = TestJobs.topics(run);
            SatstreamTopics.ensure(bootstrap, topics, 2);
            SegmentationJobConfig cfg = TestJobs.config(bootstrap, topics, run, storeDir)
                    .batchMaxSize(4)
                    .batchMaxWait(Duration.ofMillis(20))
                    .checkpointInterval(Duration.ofMillis(300))
                    .parallelism(2)
                    .build();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            SegmentationJob.configureEnvironment(env, cfg);
            SegmentationJob.build(env, cfg, raw -> tap == null ? raw : raw.map(tap).name("tap"));
            job = env.executeAsync(run);
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.LINGER_MS_CONFIG, "2");
            producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
            publisher = ModelEventPublisher.connect(bootstrap, topics.modelEvents(), Duration.ofSeconds(30));
            feeder = new Thread(this::feed, "tile-feed");
            reader = new Thread(this::read, "committed-reader");
            feeder.start();
            reader.start();
        }

        static Run start(String name, RichMapFunction<RawTileRecord, RawTileRecord> tap) throws Exception {
            return new Run(name, tap);
        }

        /** About 40 small tiles a second, spread over both partitions, until {@link #finish}. */
        private void feed() {
            int i = 0;
            while (feeding.get()) {
                send(String.format("tile-%05d", i++));
                try {
                    Thread.sleep(25);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void send(String id) {
            byte[] value = AvroCodec.tile().encode(TestTiles.rgb(id, 32, 32, id.hashCode()));
            producer.send(new ProducerRecord<>(topics.tiles(), id.getBytes(StandardCharsets.UTF_8), value));
            sent.add(id);
        }

        /** Reads committed segmentations and model events as they come (read_committed, from the start). */
        private void read() {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                List<TopicPartition> parts = new ArrayList<>();
                for (String topic : List.of(topics.segmentations(), topics.modelEvents())) {
                    c.partitionsFor(topic).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
                }
                c.assign(parts);
                c.seekToBeginning(parts);
                while (reading.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                        if (r.topic().equals(topics.segmentations())) {
                            segmentations.add(r);
                        } else {
                            events.add(AvroCodec.modelEvent().decode(r.value()));
                        }
                    }
                }
            }
        }

        /** Stores and publishes the event; returns the time just before it was published. */
        long publish(ModelManifest m, ModelEventType type) {
            long before = System.currentTimeMillis();
            publisher.publish(ModelEvents.of(store, m, type, "test", "test", Clock.systemUTC()));
            return before;
        }

        void awaitOutput(int n) throws InterruptedException {
            awaitOutputs(r -> true, n);
        }

        void awaitOutputs(Predicate<ConsumerRecord<byte[], byte[]>> which, int n) throws InterruptedException {
            long deadline = System.nanoTime() + SWITCH_TIMEOUT.toNanos();
            while (segmentations.stream().filter(which).count() < n) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("fewer than " + n + " matching committed segmentations within "
                            + SWITCH_TIMEOUT);
                }
                Thread.sleep(50);
            }
        }

        /** Waits until both subtasks have committed output of generation {@code g}; returns when that was seen. */
        long awaitGeneration(long g) throws InterruptedException {
            long deadline = System.nanoTime() + SWITCH_TIMEOUT.toNanos();
            while (true) {
                Set<Integer> switched = ConcurrentHashMap.newKeySet();
                for (ConsumerRecord<byte[], byte[]> r : segmentations) {
                    Rec rec = Rec.of(r);
                    if (rec.generation >= g) {
                        switched.add(rec.subtask);
                    }
                }
                if (switched.size() == 2) {
                    return System.currentTimeMillis();
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("subtasks " + switched + " of 2 reached generation " + g + " within "
                            + SWITCH_TIMEOUT);
                }
                Thread.sleep(50);
            }
        }

        List<ModelEvent> awaitEvents(Predicate<ModelEvent> which, int n) throws InterruptedException {
            long deadline = System.nanoTime() + SWITCH_TIMEOUT.toNanos();
            while (events.stream().filter(which).count() < n) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("fewer than " + n + " matching model events within " + SWITCH_TIMEOUT
                            + ": " + events);
                }
                Thread.sleep(50);
            }
            Thread.sleep(1_000); // a duplicate would show by now
            return events.stream().filter(which).toList();
        }

        /** {@code modelRefusals} by reason, summed over the inference subtasks, from the Flink REST API. */
        Map<String, Long> refusalMetrics(URI rest) throws Exception {
            ObjectMapper json = new ObjectMapper();
            HttpClient http = HttpClient.newHttpClient();
            JobID id = job.getJobID();
            JsonNode vertices = get(http, json, rest.resolve("/jobs/" + id)).get("vertices");
            String vertex = null;
            for (JsonNode v : vertices) {
                if (v.get("name").asText().contains("batch-inference")) {
                    vertex = v.get("id").asText();
                }
            }
            assertThat(vertex).as("the inference vertex").isNotNull();
            String base = "/jobs/" + id + "/vertices/" + vertex + "/subtasks/metrics";
            Map<String, Long> out = new HashMap<>();
            for (JsonNode m : get(http, json, rest.resolve(base))) {
                String name = m.get("id").asText();
                int at = name.indexOf(".reason.");
                if (name.endsWith(".modelRefusals") && at >= 0) {
                    String reason = name.substring(at + ".reason.".length(), name.length() - ".modelRefusals".length());
                    JsonNode sum = get(http, json, rest.resolve(base + "?agg=sum&get="
                            + URLEncoder.encode(name, StandardCharsets.UTF_8)));
                    out.put(reason, (long) sum.get(0).get("sum").asDouble());
                }
            }
            return out;
        }

        private static JsonNode get(HttpClient http, ObjectMapper json, URI uri) throws Exception {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("GET %s: %s", uri, r.body()).isEqualTo(200);
            return json.readTree(r.body());
        }

        /** Stops the feed and returns what was sent and everything committed once all of it is out. */
        Outputs finish() throws InterruptedException {
            feeding.set(false);
            feeder.join();
            producer.flush();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (segmentations.size() < sent.size() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Thread.sleep(2_000); // a duplicate would show by now
            List<Rec> recs = segmentations.stream().map(Rec::of).toList();
            return new Outputs(List.copyOf(sent), recs);
        }

        @Override
        public void close() throws Exception {
            feeding.set(false);
            reading.set(false);
            feeder.join();
            reader.join();
            producer.close();
            publisher.close();
            job.cancel().get();
        }
    }
}
