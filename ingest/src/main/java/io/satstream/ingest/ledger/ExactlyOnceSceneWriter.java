package io.satstream.ingest.ledger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.satstream.ingest.ledger.internal.CommittedScan;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.Headers;
import io.satstream.schemas.Tile;
import io.satstream.schemas.Topics;

/**
 * Sends scenes to the tiles topic exactly once, using a transactional producer and the {@link IngestLedger}.
 *
 * <p>Per scene: skip it if the ledger has this version committed; write a {@code pending} line with the
 * topic's current end offsets; send every tile in one Kafka transaction (each record also carries the
 * headers {@value #SCENE_HEADER} and {@value #FINGERPRINT_HEADER}); commit; then write {@code committed}.
 * Consumers that read with {@code isolation.level=read_committed} (as the segmentation job does) see a
 * scene's tiles all at once or not at all.
 *
 * <p>Restart after a crash: {@link #open} first calls {@code initTransactions()} with the same
 * {@code transactional.id}, which fences the crashed producer and finishes its open transaction (aborted),
 * so every earlier scene's transaction is now either committed or aborted for good. Then, for every scene
 * whose latest ledger line is {@code pending}, it reads the topic (read_committed) from the offsets stored in
 * that line and looks for records with the scene's headers: if there are any, the crash came between the
 * commit and the ledger write and the scene is marked {@code committed} (not sent again); if none, the
 * transaction was aborted and the scene is marked {@code aborted}, to be sent again by its feed.
 *
 * <p>Refused scenes ({@link #reject}) go the same way to the dead-letter topic ({@link Settings#dlqTopic()}):
 * a {@code pending} line naming that topic (with its end offsets and the reason), one record in one
 * transaction, commit, then {@code rejected}. The record: key = scene id; value = the original bytes
 * unchanged when they fit in a record, else empty, with a {@value #VALUE_HEADER} header saying why; headers
 * {@code error} (the reason), {@code stage} = {@value #DLQ_STAGE}, {@code source} (the file or href) and the
 * scene and fingerprint headers above, by which a restart finds it exactly as it finds tiles: found, the
 * scene is marked {@code rejected} (not sent again); not found, {@code aborted}, and the feed refuses it
 * again.
 *
 * <p>Guarantee: with one writer per {@code transactional.id} and ledger (the ledger's file lock enforces
 * the latter), every scene version is committed exactly once, to the topic or to the dead-letter topic,
 * across crashes at any point. Read-uncommitted consumers may see the records of aborted attempts too; they
 * can deduplicate by key. A tile whose record would exceed {@code maxRecordBytes} rejects its whole scene
 * (nothing of it reaches the topic; the rejection goes to the dead-letter topic). Not thread-safe: one
 * thread writes scenes.
 */
public final class ExactlyOnceSceneWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExactlyOnceSceneWriter.class);

    /** Header on each tile record: the scene id (UTF-8). */
    public static final String SCENE_HEADER = "ingest-scene";
    /** Header on each tile record: the scene version's fingerprint (UTF-8). */
    public static final String FINGERPRINT_HEADER = "ingest-fingerprint";
    /** {@code stage} header of the dead-letter records of refused scenes. */
    public static final String DLQ_STAGE = "ingest";
    /** Header on a dead-letter record whose value is empty because the original was not sent: why. */
    public static final String VALUE_HEADER = "value";
    /** The job's dead-letter records cap their reason alike: a longer one helps nobody. */
    private static final int MAX_ERROR_CHARS = 2000;
    /** Largest producer request; the satstream topics accept 64 MiB messages. */
    public static final int MAX_REQUEST_BYTES = 64 * 1024 * 1024;
    /** Room kept for the key, headers and batch framing around a tile's value. */
    private static final int RECORD_OVERHEAD = 64 * 1024;

    /**
     * @param transactionalId {@code satstream-ingest-<feed>-<name>}: the same for every run of one feed
     *     over one ledger, so that a restart fences the crashed run
     * @param maxRecordBytes largest tile record accepted (value + framing)
     * @param recoveryTimeout how long a restart waits for other producers' open transactions to end before
     *     it can tell whether a pending scene was committed
     * @param dlqTopic where refused scenes go ({@code tiles-dlq} by default)
     */
    public record Settings(String bootstrapServers, String topic, String transactionalId, int maxRecordBytes,
            Duration recoveryTimeout, Map<String, Object> producerOverrides, String dlqTopic) {
        public Settings {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(transactionalId, "transactionalId");
            Objects.requireNonNull(dlqTopic, "dlqTopic");
            if (dlqTopic.equals(topic)) {
                throw new IllegalArgumentException("the dead-letter topic must differ from the topic " + topic);
            }
            if (maxRecordBytes <= RECORD_OVERHEAD || maxRecordBytes > MAX_REQUEST_BYTES) {
                throw new IllegalArgumentException("maxRecordBytes must be " + (RECORD_OVERHEAD + 1) + ".."
                        + MAX_REQUEST_BYTES + ", got " + maxRecordBytes);
            }
            Objects.requireNonNull(recoveryTimeout, "recoveryTimeout");
            producerOverrides = producerOverrides == null ? Map.of() : Map.copyOf(producerOverrides);
        }

        /** With the default dead-letter topic, {@code tiles-dlq}. */
        public Settings(String bootstrapServers, String topic, String transactionalId, int maxRecordBytes,
                Duration recoveryTimeout, Map<String, Object> producerOverrides) {
            this(bootstrapServers, topic, transactionalId, maxRecordBytes, recoveryTimeout, producerOverrides,
                    Topics.TILES_DLQ);
        }

        public static Settings of(String bootstrapServers, String topic, String transactionalId) {
            return new Settings(bootstrapServers, topic, transactionalId, MAX_REQUEST_BYTES, Duration.ofSeconds(90),
                    Map.of());
        }

        public Settings withDlqTopic(String value) {
            return new Settings(bootstrapServers, topic, transactionalId, maxRecordBytes, recoveryTimeout,
                    producerOverrides, value);
        }

        /** Largest tile value that fits in a record. */
        public int maxValueBytes() {
            return maxRecordBytes - RECORD_OVERHEAD;
        }
    }

    /** What happened to one scene. */
    public enum Outcome { COMMITTED, SKIPPED, REJECTED }

    /** @param reason for a rejection, else null */
    public record Result(Outcome outcome, int tiles, String reason) {}

    /** What {@link #open} found of a previous run. */
    public record Recovery(int committed, int aborted) {}

    private final Settings settings;
    private final IngestLedger ledger;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> offsets;
    private final AvroCodec<Tile> codec = AvroCodec.tile();
    private Recovery recovery = new Recovery(0, 0);
    private long scenesCommitted;
    private long tilesCommitted;
    private long scenesRejected;

    private ExactlyOnceSceneWriter(Settings settings, IngestLedger ledger) {
        this.settings = settings;
        this.ledger = ledger;
        this.producer = new KafkaProducer<>(producerConfig(settings), new StringSerializer(),
                new ByteArraySerializer());
        this.offsets = new KafkaConsumer<>(consumerConfig(settings.bootstrapServers(), "read_uncommitted"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Connects, fences any earlier producer with the same transactional id, and settles pending scenes. */
    public static ExactlyOnceSceneWriter open(Settings settings, IngestLedger ledger) {
        Objects.requireNonNull(ledger, "ledger");
        ExactlyOnceSceneWriter writer = new ExactlyOnceSceneWriter(Objects.requireNonNull(settings, "settings"),
                ledger);
        try {
            writer.producer.initTransactions();
            writer.recover();
            return writer;
        } catch (RuntimeException e) {
            writer.close();
            throw e;
        }
    }

    private void recover() {
        List<IngestLedger.Entry> pending = ledger.unsettled();
        if (pending.isEmpty()) {
            return;
        }
        // tiles are looked for in the topic, rejections in the dead-letter topic their pending line names
        Map<String, List<IngestLedger.Entry>> byTopic = new LinkedHashMap<>();
        for (IngestLedger.Entry e : pending) {
            byTopic.computeIfAbsent(e.pendingRejection() ? e.dlqTopic() : settings.topic(), t -> new ArrayList<>())
                    .add(e);
        }
        int committed = 0;
        int aborted = 0;
        for (Map.Entry<String, List<IngestLedger.Entry>> topic : byTopic.entrySet()) {
            try (CommittedScan scan = new CommittedScan(
                    consumerConfig(settings.bootstrapServers(), "read_committed"), offsets, partitions(topic.getKey()),
                    settings.recoveryTimeout())) {
                for (IngestLedger.Entry e : topic.getValue()) {
                    long found = scan.count(e.startOffsets(), SCENE_HEADER, e.sceneId(), FINGERPRINT_HEADER,
                            e.fingerprint());
                    if (found > 0) {
                        settleCommitted(e, found);
                        committed++;
                    } else {
                        LOG.info("scene {} was not committed before the last run stopped; it will be sent again",
                                e.sceneId());
                        ledger.markAborted(e.sceneId(), e.source(), e.fingerprint(),
                                "interrupted before its transaction committed");
                        aborted++;
                    }
                }
            }
        }
        recovery = new Recovery(committed, aborted);
    }

    private void settleCommitted(IngestLedger.Entry e, long found) {
        if (e.pendingRejection()) {
            if (found != 1) {
                LOG.warn("scene {}: found {} committed dead-letter records, expected 1", e.sceneId(), found);
            }
            LOG.info("scene {} was sent to {} before the last run stopped; recording its rejection", e.sceneId(),
                    e.dlqTopic());
            ledger.markRejected(e.sceneId(), e.source(), e.fingerprint(), e.reason());
            return;
        }
        if (found != e.tiles()) {
            LOG.warn("scene {}: found {} committed tiles, the ledger expected {}", e.sceneId(), found, e.tiles());
        }
        LOG.info("scene {} was committed before the last run stopped; recording it", e.sceneId());
        ledger.markIngested(e.sceneId(), e.source(), e.fingerprint(), (int) found);
    }

    public Recovery recovery() {
        return recovery;
    }

    /** Sends the scene in one transaction and records it; see the class comment. */
    public Result write(SceneTiles scene) {
        Objects.requireNonNull(scene, "scene");
        if (ledger.isIngested(scene.sceneId(), scene.fingerprint())) {
            return new Result(Outcome.SKIPPED, 0, null);
        }
        Map<Integer, Long> start = endOffsets(settings.topic());
        ledger.markPending(scene.sceneId(), scene.source(), scene.fingerprint(), scene.tileCount(), start);
        producer.beginTransaction();
        int sent = 0;
        String tooLarge = null;
        try {
            while (scene.tiles().hasNext()) {
                Tile tile = scene.tiles().next();
                byte[] value = codec.encode(tile);
                if (value.length > settings.maxValueBytes()) {
                    tooLarge = "tile " + tile.getTileId() + " encodes to " + value.length
                            + " bytes, over the Kafka message limit of " + settings.maxValueBytes()
                            + " bytes; use a smaller tile size";
                    break;
                }
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(settings.topic(), tile.getTileId(),
                        value);
                record.headers().add(Headers.SOURCE, utf8(tile.getSource()));
                record.headers().add(SCENE_HEADER, utf8(scene.sceneId()));
                record.headers().add(FINGERPRINT_HEADER, utf8(scene.fingerprint()));
                producer.send(record);
                sent++;
            }
            if (tooLarge != null) {
                producer.abortTransaction(); // nothing of the scene may reach the topic
            } else {
                producer.commitTransaction(); // flushes; throws if any record failed
            }
        } catch (RuntimeException e) {
            throw failed(e, scene.sceneId(), scene.source(), scene.fingerprint());
        }
        if (tooLarge != null) {
            reject(SceneRejection.withoutOriginal(scene.sceneId(), scene.source(), scene.fingerprint(), tooLarge,
                    scene.source(), "not kept: the scene was decoded before its tiles were found too large"));
            return new Result(Outcome.REJECTED, 0, tooLarge);
        }
        ledger.markIngested(scene.sceneId(), scene.source(), scene.fingerprint(), sent);
        scenesCommitted++;
        tilesCommitted += sent;
        return new Result(Outcome.COMMITTED, sent, null);
    }

    /**
     * Sends a refused scene to the dead-letter topic in one transaction and records it rejected; a version
     * the ledger has settled already (rejected or ingested) is skipped. See the class comment.
     */
    public Result reject(SceneRejection scene) {
        Objects.requireNonNull(scene, "scene");
        if (ledger.isRejected(scene.sceneId(), scene.fingerprint())
                || ledger.isIngested(scene.sceneId(), scene.fingerprint())) {
            return new Result(Outcome.SKIPPED, 0, null);
        }
        Map<Integer, Long> start = endOffsets(settings.dlqTopic());
        ledger.markPendingRejection(scene.sceneId(), scene.source(), scene.fingerprint(), scene.reason(),
                settings.dlqTopic(), start);
        producer.beginTransaction();
        try {
            producer.send(deadLetter(scene));
            producer.commitTransaction();
        } catch (RuntimeException e) {
            throw failed(e, scene.sceneId(), scene.source(), scene.fingerprint());
        }
        ledger.markRejected(scene.sceneId(), scene.source(), scene.fingerprint(), scene.reason());
        scenesRejected++;
        return new Result(Outcome.REJECTED, 0, scene.reason());
    }

    private ProducerRecord<String, byte[]> deadLetter(SceneRejection scene) {
        byte[] value = scene.original();
        String omitted = null;
        if (value == null) {
            omitted = "omitted (" + scene.notRead() + ")";
        } else if (value.length > settings.maxValueBytes()) {
            omitted = "omitted (" + value.length + " bytes, over the record limit of " + settings.maxValueBytes()
                    + " bytes)";
        }
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(settings.dlqTopic(), scene.sceneId(),
                omitted == null ? value : new byte[0]);
        String error = scene.reason().length() > MAX_ERROR_CHARS
                ? scene.reason().substring(0, MAX_ERROR_CHARS) + "…" : scene.reason();
        record.headers().add(Headers.ERROR, utf8(error));
        record.headers().add(Headers.STAGE, utf8(DLQ_STAGE));
        record.headers().add(Headers.SOURCE, utf8(scene.origin()));
        if (omitted != null) {
            record.headers().add(VALUE_HEADER, utf8(omitted));
        }
        record.headers().add(SCENE_HEADER, utf8(scene.sceneId()));
        record.headers().add(FINGERPRINT_HEADER, utf8(scene.fingerprint()));
        return record;
    }

    /** After a failed transaction: abort and record it when the producer can go on; the exception to throw. */
    private RuntimeException failed(RuntimeException e, String sceneId, String source, String fingerprint) {
        if (e instanceof ProducerFencedException || e instanceof OutOfOrderSequenceException
                || e instanceof AuthorizationException) {
            // fatal for this producer: another run took over the transactional id, or the broker refuses us
            return new IllegalStateException("cannot send scene " + sceneId + ": " + e.getMessage()
                    + " (is another ingest running with transactional id " + settings.transactionalId() + "?)", e);
        }
        abortQuietly();
        ledger.markAborted(sceneId, source, fingerprint, describe(e));
        if (e instanceof KafkaException || e instanceof IllegalArgumentException) {
            return new IllegalStateException("cannot send scene " + sceneId + ": " + describe(e), e);
        }
        return e;
    }

    public long scenesCommitted() {
        return scenesCommitted;
    }

    public long tilesCommitted() {
        return tilesCommitted;
    }

    /** Scenes this writer sent to the dead-letter topic. */
    public long scenesRejected() {
        return scenesRejected;
    }

    public Settings settings() {
        return settings;
    }

    private List<TopicPartition> partitions(String topic) {
        List<PartitionInfo> infos = offsets.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist");
        }
        return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
    }

    private Map<Integer, Long> endOffsets(String topic) {
        Map<Integer, Long> out = new HashMap<>();
        offsets.endOffsets(partitions(topic), Duration.ofSeconds(30)).forEach((tp, o) -> out.put(tp.partition(), o));
        return out;
    }

    private void abortQuietly() {
        try {
            producer.abortTransaction();
        } catch (RuntimeException e) {
            LOG.debug("aborting the transaction failed", e);
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
            message += ": " + cause.getMessage();
        }
        return message.replaceAll("\\s+", " ").strip();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Properties producerConfig(Settings s) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, s.transactionalId());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(s.maxRecordBytes()));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(4L * MAX_REQUEST_BYTES));
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(1024 * 1024));
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // a large scene is one transaction: give it minutes, below the broker's 15-minute ceiling
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "300000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, s.transactionalId());
        p.putAll(s.producerOverrides());
        return p;
    }

    static Properties consumerConfig(String bootstrap, String isolation) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(MAX_REQUEST_BYTES));
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(MAX_REQUEST_BYTES));
        return p;
    }

    @Override
    public void close() {
        try {
            producer.close(Duration.ofSeconds(30));
        } finally {
            offsets.close(Duration.ofSeconds(5));
        }
    }
}
