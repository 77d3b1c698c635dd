package io.satstream.app;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

import io.satstream.app.internal.ErrorMessages;
import io.satstream.app.internal.SegmentationFiles;
import io.satstream.app.internal.SegmentationScenes;
import io.satstream.app.internal.SegmentationSidecar;
import io.satstream.app.runtime.ReaderProperties;
import io.satstream.raster.stitch.SceneStitcher;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.AvroDecodingException;
import io.satstream.schemas.Headers;
import io.satstream.schemas.Segmentation;
import io.satstream.schemas.Topics;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code satstream consume}: reads the committed records of {@code segmentations} from the beginning
 * (a fresh consumer group each run, {@code read_committed}) and writes each one as files — see
 * {@link SegmentationFiles}. A record that is not a valid segmentation is reported and skipped.
 */
@Command(name = "consume",
        mixinStandardHelpOptions = true,
        description = {
            "Writes each committed segmentation as a PNG mask, a JSON sidecar and, if georeferenced, a GeoTIFF.",
            "Files: DIR/<tile>.png, DIR/<tile>.json, DIR/<tile>.tif. Reads the topic from the beginning; runs",
            "until Ctrl-C or, with --idle, until no record came for that long. With --stitch, the tiles of each",
            "scene are also reassembled into DIR/scenes/<scene>.tif (+ .png) once all have arrived; scenes still",
            "missing tiles at exit are written with the uncovered pixels as nodata, and a warning.%n"
        })
public final class ConsumeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumeCommand.class);

    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

    @Spec
    private CommandSpec spec;

    @Mixin
    private WorkDirOption workDir;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT",
            converter = BootstrapServersConverter.class, description = "Kafka bootstrap servers")
    private String bootstrap;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory (created if missing)")
    private Path out;

    @Option(names = "--stitch",
            description = "also write one georeferenced mask per source scene: DIR/scenes/<scene>.tif and .png")
    private boolean stitch;

    @Option(names = "--idle", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "exit 0 after this long without a new record, e.g. 30 (seconds), 90s, 5m")
    private Duration idle;

    @Option(names = "--topic", paramLabel = "NAME", defaultValue = Topics.SEGMENTATIONS,
            description = "topic to read (default: ${DEFAULT-VALUE})")
    private String topic;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "30s",
            converter = DurationConverter.class,
            description = "give up when Kafka does not answer within this long (default: ${DEFAULT-VALUE})")
    private Duration connectTimeout;

    private final AvroCodec<Segmentation> codec = AvroCodec.segmentation();
    private long written;
    private long skipped;
    private String lastTile;
    private SegmentationScenes scenes;
    private long scenesWritten;
    private long scenesIncomplete;

    @Override
    public Integer call() {
        if (topic.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--topic must not be empty");
        }
        SegmentationFiles files = new SegmentationFiles(out.toAbsolutePath().normalize());
        scenes = stitch ? new SegmentationScenes(files.dir(), new SceneStitcher()) : null;
        KafkaConsumer<String, byte[]> consumer = openConsumer();
        ConsoleProgress progress = ConsoleProgress.forConsole(spec.commandLine().getOut());
        ShutdownSignal stop = ShutdownSignal.install("consume", SHUTDOWN_GRACE, consumer::wakeup);
        // Closed in reverse order: the progress line, then the consumer, then the hook may let the JVM go.
        try (stop; consumer; progress) {
            boolean stoppedBySignal = consumeUntilDone(consumer, files, progress);
            if (scenes != null) {
                flushIncompleteScenes(progress);
            }
            String why = stoppedBySignal ? "stopped" : "idle for " + DurationConverter.format(idle);
            progress.finish(String.format(Locale.ROOT, "consumed %d segmentation%s into %s (%d skipped; %s)",
                    written, written == 1 ? "" : "s", files.dir(), skipped, why));
            LOG.info("consume done: {} written to {}, {} skipped ({})", written, files.dir(), skipped, why);
        }
        return 0;
    }

    private KafkaConsumer<String, byte[]> openConsumer() {
        Properties p = ReaderProperties.readCommitted(bootstrap, "satstream-consume", "earliest");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "satstream-consume");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
        try {
            return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        } catch (KafkaException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("cannot connect to Kafka at " + bootstrap + ": "
                    + ErrorMessages.describe(cause), e);
        }
    }

    /** Returns true when stopped by Ctrl-C / SIGTERM, false when idle long enough. */
    private boolean consumeUntilDone(KafkaConsumer<String, byte[]> consumer, SegmentationFiles files,
            ConsoleProgress progress) {
        try {
            waitForBroker(consumer, progress);
            WorkDirOption.createDirectories(files.dir());
            consumer.subscribe(List.of(topic));
            long startedAt = System.nanoTime();
            long lastRecordAt = startedAt;
            progress.update(status(startedAt));
            while (true) {
                ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
                for (ConsumerRecord<String, byte[]> record : records) {
                    handle(record, files, progress);
                }
                long now = System.nanoTime();
                if (!records.isEmpty()) {
                    lastRecordAt = now;
                }
                progress.update(status(startedAt));
                if (idle != null && now - lastRecordAt >= idle.toNanos()) {
                    return false;
                }
            }
        } catch (WakeupException e) {
            return true;
        }
    }

    private void waitForBroker(KafkaConsumer<String, byte[]> consumer, ConsoleProgress progress) {
        Map<String, List<PartitionInfo>> topics;
        try {
            topics = consumer.listTopics(connectTimeout);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrap + " did not answer within "
                    + DurationConverter.format(connectTimeout), e);
        }
        if (!topics.containsKey(topic)) {
            progress.println("topic '" + topic + "' does not exist yet; waiting for it");
        }
    }

    /** Writes one record's files, or reports and skips it when it is not a usable segmentation. */
    private void handle(ConsumerRecord<String, byte[]> record, SegmentationFiles files, ConsoleProgress progress) {
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        Segmentation segmentation;
        try {
            segmentation = codec.decode(record.value());
        } catch (AvroDecodingException e) {
            skip(where, record.key(), e.getMessage(), progress);
            return;
        }
        try {
            files.write(segmentation, header(record, Headers.MODEL_VERSION),
                    new SegmentationSidecar.Origin(record.topic(), record.partition(), record.offset()));
        } catch (IllegalArgumentException e) {
            skip(where, record.key(), e.getMessage(), progress);
            return;
        }
        written++;
        lastTile = segmentation.getTileId();
        if (scenes != null && SegmentationScenes.isSceneTile(segmentation)) {
            stitch(segmentation, progress);
        }
    }

    /** Adds the tile to its scene; the tile's own files are written already, so a refusal is only a warning. */
    private void stitch(Segmentation segmentation, ConsoleProgress progress) {
        try {
            scenes.add(segmentation).ifPresent(w -> {
                scenesWritten++;
                progress.println(String.format(Locale.ROOT, "scene %s: %dx%d from %d tiles -> %s",
                        w.scene().sceneId(), w.scene().width(), w.scene().height(), w.scene().tiles(), w.tif()));
            });
        } catch (IllegalArgumentException e) {
            String line = "warning: not stitched: " + ErrorMessages.oneLine(e.getMessage());
            progress.println(line);
            LOG.info(line);
        }
    }

    private void flushIncompleteScenes(ConsoleProgress progress) {
        for (SegmentationScenes.Written w : scenes.flushIncomplete()) {
            scenesWritten++;
            scenesIncomplete++;
            String line = String.format(Locale.ROOT,
                    "warning: scene %s is incomplete: %d of %d pixels had no tile (%d tiles seen); written as"
                            + " %s with them as no data (255)", w.scene().sceneId(), w.scene().uncoveredPixels(),
                    (long) w.scene().width() * w.scene().height(), w.scene().tiles(), w.tif());
            progress.println(line);
            LOG.warn(line);
        }
        progress.println(String.format(Locale.ROOT, "stitched %d scene%s into %s (%d incomplete)", scenesWritten,
                scenesWritten == 1 ? "" : "s", scenes.dir(), scenesIncomplete));
    }

    private void skip(String where, String key, String reason, ConsoleProgress progress) {
        skipped++;
        String line = "warning: skipped " + where + " (key " + key + "): " + ErrorMessages.oneLine(reason);
        progress.println(line);
        LOG.info(line);
    }

    private String status(long startedAt) {
        double seconds = Math.max(1e-3, (System.nanoTime() - startedAt) / 1e9);
        return String.format(Locale.ROOT, "consume: %d written, %d skipped, %.1f/s%s",
                written, skipped, written / seconds, lastTile == null ? "" : ", last " + lastTile);
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
