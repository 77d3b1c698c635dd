package io.satstream.ingest.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.satstream.ingest.tiling.SceneRef;
import io.satstream.kafka.testing.TopicContents;
import io.satstream.schemas.Headers;
import io.satstream.ingest.tiling.Tiler;
import io.satstream.ingest.tiling.TilerSettings;
import io.satstream.kafka.testing.KafkaTestBroker;
import io.satstream.raster.RasterImage;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.DataType;
import io.satstream.schemas.Tile;

/** Exactly-once scene writes against a real broker, including restarts after simulated crashes. */
class ExactlyOnceSceneWriterITCase {
    private static String bootstrap;

    @TempDir
    Path tmp;

    @BeforeAll
    static void broker() {
        bootstrap = KafkaTestBroker.bootstrapServers();
    }

    @Test
    void aSceneIsCommittedOnceAndSkippedWhenWrittenAgain() throws Exception {
        String topic = TopicReader.newTopic(bootstrap, 3);
        ExactlyOnceSceneWriter.Settings settings = settings(topic);
        try (IngestLedger ledger = IngestLedger.open(tmp.resolve("ledger.jsonl"));
                ExactlyOnceSceneWriter writer = ExactlyOnceSceneWriter.open(settings, ledger)) {
            assertThat(writer.write(scene("s1", 1)).outcome()).isEqualTo(ExactlyOnceSceneWriter.Outcome.COMMITTED);
            assertThat(writer.write(scene("s1", 1)).outcome()).isEqualTo(ExactlyOnceSceneWriter.Outcome.SKIPPED);
            assertThat(ledger.isIngested("s1", "fp-s1")).isTrue();
        }
        Map<String, Long> counts = countsByKey(TopicReader.readAll(bootstrap, topic, true));
        assertThat(counts).hasSize(6).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1L));
        assertThat(counts).containsKey("s1/r001c002");
    }

    /**
     * A crash after the Kafka commit but before the ledger line: the ledger is left exactly as such a crash
     * leaves it (its last line, "committed", missing), and a restart must not send the scene again.
     */
    @Test
    void aCrashBetweenCommitAndLedgerWriteDoesNotSendTheSceneAgain() throws Exception {
        String topic = TopicReader.newTopic(bootstrap, 3);
        ExactlyOnceSceneWriter.Settings settings = settings(topic);
        Path file = tmp.resolve("ledger.jsonl");
        try (IngestLedger ledger = IngestLedger.open(file);
                ExactlyOnceSceneWriter writer = ExactlyOnceSceneWriter.open(settings, ledger)) {
            writer.write(scene("s1", 1));
            writer.write(scene("s2", 2));
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(4);
        assertThat(lines.get(3)).contains("\"scene\":\"s2\"").contains("committed");
        Files.write(file, (String.join("\n", lines.subList(0, 3)) + "\n").getBytes(StandardCharsets.UTF_8));

        try (IngestLedger ledger = IngestLedger.open(file);
                ExactlyOnceSceneWriter writer = ExactlyOnceSceneWriter.open(settings, ledger)) {
            assertThat(ledger.isIngested("s2", "fp-s2")).isTrue();
            assertThat(writer.recovery()).isEqualTo(new ExactlyOnceSceneWriter.Recovery(1, 0));
            assertThat(writer.write(scene("s2", 2)).outcome()).isEqualTo(ExactlyOnceSceneWriter.Outcome.SKIPPED);
        }
        Map<String, Long> counts = countsByKey(TopicReader.readAll(bootstrap, topic, true));
        assertThat(counts).hasSize(12).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1L));
    }

    /**
     * A crash in the middle of a scene: a producer with the same transactional id sent part of the scene and
     * died without committing. The restart fences it, finds nothing committed, and the scene goes out again,
     * so read_committed consumers see each tile exactly once.
     */
    @Test
    void aCrashInTheMiddleOfASceneResendsItAndCommittedReadersSeeEachTileOnce() throws Exception {
        String topic = TopicReader.newTopic(bootstrap, 3);
        ExactlyOnceSceneWriter.Settings settings = settings(topic);
        Path file = tmp.resolve("ledger.jsonl");
        try (IngestLedger ledger = IngestLedger.open(file)) {
            ledger.markPending("s3", "test", "fp-s3", 6, endOffsets(topic));
        }
        KafkaProducer<String, byte[]> crashed = transactionalProducer(settings.transactionalId());
        crashed.initTransactions();
        crashed.beginTransaction();
        Iterator<Tile> partial = scene("s3", 3).tiles();
        for (int i = 0; i < 2; i++) {
            Tile t = partial.next();
            ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, t.getTileId(), AvroCodec.tile().encode(t));
            r.headers().add(ExactlyOnceSceneWriter.SCENE_HEADER, "s3".getBytes(StandardCharsets.UTF_8));
            r.headers().add(ExactlyOnceSceneWriter.FINGERPRINT_HEADER, "fp-s3".getBytes(StandardCharsets.UTF_8));
            crashed.send(r);
        }
        crashed.flush(); // on the broker, in an open transaction, when the "process" dies
        assertThat(TopicReader.readAll(bootstrap, topic, false)).hasSize(2);

        try (IngestLedger ledger = IngestLedger.open(file);
                ExactlyOnceSceneWriter writer = ExactlyOnceSceneWriter.open(settings, ledger)) {
            assertThat(writer.recovery()).isEqualTo(new ExactlyOnceSceneWriter.Recovery(0, 1));
            assertThat(ledger.isIngested("s3", "fp-s3")).isFalse();
            assertThat(writer.write(scene("s3", 3)).outcome()).isEqualTo(ExactlyOnceSceneWriter.Outcome.COMMITTED);
        } finally {
            crashed.close(Duration.ZERO); // fenced by now
        }
        Map<String, Long> committed = countsByKey(TopicReader.readAll(bootstrap, topic, true));
        assertThat(committed).hasSize(6).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1L));
        // the aborted attempt is still in the log, invisible to read_committed readers
        assertThat(TopicReader.readAll(bootstrap, topic, false)).hasSize(8);
    }

    @Test
    void aTileTooBigForAKafkaMessageRejectsTheWholeScene() throws Exception {
        String topic = TopicReader.newTopic(bootstrap, 1);
        String dlq = TopicReader.newTopic(bootstrap, 1);
        ExactlyOnceSceneWriter.Settings small = smallRecords(topic, dlq);
        try (IngestLedger ledger = IngestLedger.open(tmp.resolve("ledger.jsonl"));
                ExactlyOnceSceneWriter writer = ExactlyOnceSceneWriter.open(small, ledger)) {
            ExactlyOnceSceneWriter.Result r = writer.write(scene("big", 4)); // 64x64x3 = 12 KB per tile
            assertThat(r.outcome()).isEqualTo(ExactlyOnceSceneWriter.Outcome.REJECTED);
            assertThat(r.reason()).contains("big/r000c000").contains("over the Kafka message limit of 10000");
            assertThat(ledger.isRejected("big", "fp-big")).isTrue();
        }
        assertThat(TopicReader.readAll(bootstrap, topic, true)).isEmpty();
        // the refusal is dead-lettered; the decoded scene is gone, so the value says why it is empty
        assertThat(TopicContents.committed(bootstrap, dlq)).singleElement().satisfies(d -> {
            assertThat(utf8(d.key())).isEqualTo("big");
            assertThat(d.value()).isEmpty();
            assertThat(header(d, Headers.STAGE)).isEqualTo("ingest");
            assertThat(header(d, Headers.ERROR)).contains("big/r000c000");
            assertThat(header(d, ExactlyOnceSceneWriter.VALUE_HEADER)).startsWith("omitted (not kept");
        });
    }

    @Test
    void aRejectionGoesToTheDeadLetterTopicOnceWithItsOriginalBytesAndHeaders() throws Exception {
        String topic = TopicReader.newTopic(bootstrap, 2);
        String dlq = TopicReader.newTopic(bootstrap, 2);
        byte[] original = "not an image at all".getBytes(StandardCharsets.UTF_8);
        SceneRejection bad = SceneRejection.withOriginal("bad", "files:/in/bad.tif", "sha256:bad",
                "not a PNG, JPEG or TIFF", "/in/bad.tif", original);
        try (IngestLedger ledger = IngestLedger.open(tmp.resolve("ledger.jsonl"));
                ExactlyOnceSceneWriter writer = ExactlyOnceSceneWriter.open(settings(topic).withDlqTopic(dlq),
                        ledger)) {
            ExactlyOnceSceneWriter.Result r = writer.reject(bad);
            assertThat(r).isEqualTo(new ExactlyOnceSceneWriter.Result(ExactlyOnceSceneWriter.Outcome.REJECTED, 0,
                    "not a PNG, JPEG or TIFF"));
            assertThat(ledger.isRejected("bad", "sha256:bad")).isTrue();
            assertThat(writer.reject(bad).outcome()).isEqualTo(ExactlyOnceSceneWriter.Outcome.SKIPPED);
            assertThat(writer.scenesRejected()).isEqualTo(1);
        }
        assertThat(TopicContents.uncommitted(bootstrap, topic)).isEmpty();
        assertThat(TopicContents.uncommitted(bootstrap, dlq)).hasSize(1);
        assertThat(TopicContents.committed(bootstrap, dlq)).singleElement().satisfies(d -> {
            assertThat(utf8(d.key())).isEqualTo("bad");
            assertThat(d.value()).isEqualTo(original);
            assertThat(header(d, Headers.ERROR)).isEqualTo("not a PNG, JPEG or TIFF");
            assertThat(header(d, Headers.STAGE)).isEqualTo("ingest");
            assertThat(header(d, Headers.SOURCE)).isEqualTo("/in/bad.tif");
            assertThat(d.headers().lastHeader(ExactlyOnceSceneWriter.VALUE_HEADER)).isNull();
        });
    }

    @Test
    void anOriginalOverTheRecordLimitIsOmittedAndAHeaderSaysSo() throws Exception {
        String topic = TopicReader.newTopic(bootstrap, 1);
        String dlq = TopicReader.newTopic(bootstrap, 1);
        ExactlyOnceSceneWriter.Settings small = smallRecords(topic, dlq);
        try (IngestLedger ledger = IngestLedger.open(tmp.resolve("ledger.jsonl"));
                ExactlyOnceSceneWriter writer = ExactlyOnceSceneWriter.open(small, ledger)) {
            writer.reject(SceneRejection.withOriginal("fits", "test", "fp-1", "bad", "/in/fits.tif", new byte[10_000]));
            writer.reject(SceneRejection.withOriginal("large", "test", "fp-2", "bad", "/in/large.tif",
                    new byte[10_001]));
            writer.reject(SceneRejection.withoutOriginal("unread", "test", "fp-3", "too big", "/in/unread.tif",
                    "5000000000 bytes, not read"));
        }
        Map<String, ConsumerRecord<byte[], byte[]>> byKey = TopicContents.committed(bootstrap, dlq).stream()
                .collect(Collectors.toMap(r -> utf8(r.key()), r -> r));
        assertThat(byKey).containsOnlyKeys("fits", "large", "unread");
        assertThat(byKey.get("fits").value()).hasSize(10_000);
        assertThat(byKey.get("fits").headers().lastHeader(ExactlyOnceSceneWriter.VALUE_HEADER)).isNull();
        assertThat(byKey.get("large").value()).isEmpty();
        assertThat(header(byKey.get("large"), ExactlyOnceSceneWriter.VALUE_HEADER))
                .isEqualTo("omitted (10001 bytes, over the record limit of 10000 bytes)");
        assertThat(header(byKey.get("large"), Headers.SOURCE)).isEqualTo("/in/large.tif");
        assertThat(byKey.get("unread").value()).isEmpty();
        assertThat(header(byKey.get("unread"), ExactlyOnceSceneWriter.VALUE_HEADER))
                .isEqualTo("omitted (5000000000 bytes, not read)");
    }

    /**
     * A crash after the dead-letter record's commit but before the {@code rejected} line: the restart finds
     * the record, writes the line with the reason it kept in {@code pending}, and does not send it again.
     */
    @Test
    void aCrashBetweenTheDeadLetterCommitAndTheLedgerLineDoesNotSendItAgain() throws Exception {
        String topic = TopicReader.newTopic(bootstrap, 2);
        String dlq = TopicReader.newTopic(bootstrap, 2);
        ExactlyOnceSceneWriter.Settings settings = settings(topic).withDlqTopic(dlq);
        SceneRejection bad = SceneRejection.withOriginal("bad", "test", "fp-bad", "truncated TIFF", "/in/bad.tif",
                new byte[] {1, 2, 3});
        Path file = tmp.resolve("ledger.jsonl");
        try (IngestLedger ledger = IngestLedger.open(file);
                ExactlyOnceSceneWriter writer = ExactlyOnceSceneWriter.open(settings, ledger)) {
            writer.write(scene("s1", 1));
            writer.reject(bad);
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(4);
        assertThat(lines.get(2)).contains("\"scene\":\"bad\"").contains("pending").contains("\"dlq\":\"" + dlq);
        assertThat(lines.get(3)).contains("\"scene\":\"bad\"").contains("rejected");
        Files.write(file, (String.join("\n", lines.subList(0, 3)) + "\n").getBytes(StandardCharsets.UTF_8));

        try (IngestLedger ledger = IngestLedger.open(file);
                ExactlyOnceSceneWriter writer = ExactlyOnceSceneWriter.open(settings, ledger)) {
            assertThat(writer.recovery()).isEqualTo(new ExactlyOnceSceneWriter.Recovery(1, 0));
            assertThat(ledger.isRejected("bad", "fp-bad")).isTrue();
            assertThat(ledger.latest("bad").orElseThrow().reason()).isEqualTo("truncated TIFF");
            assertThat(writer.reject(bad).outcome()).isEqualTo(ExactlyOnceSceneWriter.Outcome.SKIPPED);
        }
        assertThat(TopicContents.uncommitted(bootstrap, dlq)).as("not even an aborted attempt").hasSize(1);
        assertThat(TopicContents.committed(bootstrap, topic)).hasSize(6);
    }

    /**
     * A crash with the dead-letter record sent but its transaction open: the restart fences the dead producer
     * (its record is aborted), finds nothing committed, and the refusal goes out once more, once.
     */
    @Test
    void aCrashBeforeTheDeadLetterCommitSendsItOnceOnRestart() throws Exception {
        String topic = TopicReader.newTopic(bootstrap, 1);
        String dlq = TopicReader.newTopic(bootstrap, 1);
        ExactlyOnceSceneWriter.Settings settings = settings(topic).withDlqTopic(dlq);
        Path file = tmp.resolve("ledger.jsonl");
        try (IngestLedger ledger = IngestLedger.open(file)) {
            ledger.markPendingRejection("bad", "test", "fp-bad", "truncated TIFF", dlq, endOffsets(dlq));
        }
        KafkaProducer<String, byte[]> crashed = transactionalProducer(settings.transactionalId());
        crashed.initTransactions();
        crashed.beginTransaction();
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(dlq, "bad", new byte[] {1, 2, 3});
        r.headers().add(ExactlyOnceSceneWriter.SCENE_HEADER, "bad".getBytes(StandardCharsets.UTF_8));
        r.headers().add(ExactlyOnceSceneWriter.FINGERPRINT_HEADER, "fp-bad".getBytes(StandardCharsets.UTF_8));
        crashed.send(r);
        crashed.flush();
        try (IngestLedger ledger = IngestLedger.open(file);
                ExactlyOnceSceneWriter writer = ExactlyOnceSceneWriter.open(settings, ledger)) {
            assertThat(writer.recovery()).isEqualTo(new ExactlyOnceSceneWriter.Recovery(0, 1));
            assertThat(ledger.isRejected("bad", "fp-bad")).isFalse();
            assertThat(writer.reject(SceneRejection.withOriginal("bad", "test", "fp-bad", "truncated TIFF",
                    "/in/bad.tif", new byte[] {1, 2, 3})).outcome()).isEqualTo(ExactlyOnceSceneWriter.Outcome.REJECTED);
        } finally {
            crashed.close(Duration.ZERO);
        }
        assertThat(TopicContents.committed(bootstrap, dlq)).singleElement()
                .satisfies(d -> assertThat(header(d, Headers.STAGE)).isEqualTo("ingest"));
        assertThat(TopicContents.uncommitted(bootstrap, dlq)).as("the aborted attempt and the committed one")
                .hasSize(2);
    }

    private static ExactlyOnceSceneWriter.Settings settings(String topic) {
        return new ExactlyOnceSceneWriter.Settings(bootstrap, topic, "satstream-ingest-test-" + UUID.randomUUID(),
                ExactlyOnceSceneWriter.MAX_REQUEST_BYTES, Duration.ofSeconds(30), Map.of());
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : utf8(h.value());
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A 150x100 RGB scene cut into 64-px tiles with 8 px overlap: 2 rows x 3 columns. */
    private static SceneTiles scene(String id, int seed) {
        byte[] px = new byte[150 * 100 * 3];
        new java.util.Random(seed).nextBytes(px);
        RasterImage image = new RasterImage(150, 100, List.of("red", "green", "blue"), DataType.UINT8, px, null, null);
        Tiler tiler = new Tiler(new TilerSettings(64, 8));
        return new SceneTiles(id, "test", "fp-" + id, 6,
                tiler.tiles(new SceneRef(id, "test", Instant.EPOCH, Map.of()), image));
    }

    private static Map<String, Long> countsByKey(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
    }

    private static Map<Integer, Long> endOffsets(String topic) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            Map<Integer, Long> out = new HashMap<>();
            c.endOffsets(parts).forEach((tp, o) -> out.put(tp.partition(), o));
            return out;
        }
    }

    private static KafkaProducer<String, byte[]> transactionalProducer(String transactionalId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(64 * 1024 * 1024));
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** A record limit leaving 10,000 bytes of payload (64 KiB are reserved for framing and headers). */
    private ExactlyOnceSceneWriter.Settings smallRecords(String topic, String dlq) {
        return new ExactlyOnceSceneWriter.Settings(bootstrap, topic, "satstream-ingest-test-" + UUID.randomUUID(),
                64 * 1024 + 10_000, Duration.ofSeconds(30), Map.of(), dlq);
    }
}
