package io.satstream.app.runtime;

import io.satstream.app.ConsoleProgress;
import io.satstream.app.DurationConverter;
import io.satstream.ingest.ledger.ExactlyOnceSceneWriter;
import io.satstream.kafka.SatstreamTopics;
import io.satstream.schemas.Headers;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * What the segmentation job has done, as a {@code read_committed} reader sees it: the committed tiles of
 * {@code tiles} against the committed records of {@code segmentations} and {@code tiles-dlq}, the status line
 * the demo and {@code job segment} print, and the drain (every committed tile accounted for in the output).
 *
 * <p>The counts cover the topics from their beginning, so the drain assumes the output topics hold only the
 * output of jobs on this {@code tiles} topic, and that retention has not removed tiles whose output is kept.
 */
public final class SegmentationProgress implements AutoCloseable {
    private final CommittedRecordCounter tilesIn;
    private final CommittedOutputMonitor monitor;
    private final OutputCounts outputs;
    private final RateWindow window = new RateWindow();

    private SegmentationProgress(CommittedRecordCounter tilesIn, CommittedOutputMonitor monitor, OutputCounts outputs) {
        this.tilesIn = tilesIn;
        this.monitor = monitor;
        this.outputs = outputs;
    }

    /** Starts reading {@code topics} at {@code servers} from the beginning, on background threads. */
    public static SegmentationProgress start(String servers, SatstreamTopics.Names topics) {
        CommittedRecordCounter tilesIn = CommittedRecordCounter.start(servers, topics.tiles());
        OutputCounts outputs = new OutputCounts();
        try {
            CommittedOutputMonitor monitor = new CommittedOutputMonitor(servers, topics.segmentations(),
                    topics.tilesDlq(), outputs).start();
            return new SegmentationProgress(tilesIn, monitor, outputs);
        } catch (RuntimeException e) {
            tilesIn.close();
            throw e;
        }
    }

    /** Committed tiles read from {@code tiles} so far. */
    public long tilesIn() {
        return tilesIn.count();
    }

    /**
     * True when, at some moment after {@code nanoTime}, every committed tile had been read and as many tiles had
     * come out (segmented or rejected by the job): every tile committed before {@code nanoTime} is accounted for.
     */
    public boolean drainedSince(long nanoTime) {
        return tilesIn.caughtUpSince(nanoTime) && outputs.tiles() >= tilesIn.count();
    }

    /**
     * The status line: {@code [feed | ]tiles in N | segmented N | rejected N | R tiles/s | serving V}; each call
     * adds a sample to the rate, so call it once per refresh.
     */
    public String status(String feedStatus) {
        long done = monitor.segmented();
        String version = monitor.lastModelVersion();
        return String.format("%stiles in %d | segmented %d | rejected %d | %.1f tiles/s | serving %s",
                feedStatus.isEmpty() ? "" : feedStatus + " | ", tilesIn.count(), done, outputs.tileRejections(),
                window.rate(done), version == null ? "…" : version);
    }

    /**
     * Waits until every tile committed to {@code tiles} by now (by anyone) is accounted for in the output, redrawing
     * {@code draining: <status>}, then leaves {@code done: <status>}.
     *
     * @throws IllegalStateException when that takes longer than {@code timeout} or a stop is requested meanwhile
     */
    public void drain(Duration timeout, BooleanSupplier stopRequested, ConsoleProgress progress,
            Supplier<String> feedStatus) throws InterruptedException {
        // A scene refused at ingest has no tile in 'tiles', so its dead-letter record does not count (OutputCounts).
        long drainStart = System.nanoTime();
        long drainDeadline = drainStart + timeout.toNanos();
        while (!drainedSince(drainStart)) {
            if (System.nanoTime() > drainDeadline || stopRequested.getAsBoolean()) {
                progress.finish(status(feedStatus.get()));
                throw new IllegalStateException("output did not catch up with the " + tilesIn.count()
                        + " tiles within " + DurationConverter.format(timeout));
            }
            progress.update("draining: " + status(feedStatus.get()));
            Thread.sleep(250);
        }
        progress.finish("done: " + status(feedStatus.get()));
    }

    @Override
    public void close() {
        try {
            monitor.close();
        } finally {
            tilesIn.close();
        }
    }

    /**
     * Counts the committed output records that stand for a tile of {@code tiles}: every segmentation and every
     * dead-letter record except those of scenes refused at ingest (stage {@value ExactlyOnceSceneWriter#DLQ_STAGE}),
     * which never had a tile there.
     */
    private static final class OutputCounts implements CommittedOutputMonitor.Listener {
        private static final byte[] INGEST_STAGE = ExactlyOnceSceneWriter.DLQ_STAGE.getBytes(StandardCharsets.UTF_8);
        private final AtomicLong tiles = new AtomicLong();
        private final AtomicLong tileRejections = new AtomicLong();

        @Override
        public void onRecord(ConsumerRecord<byte[], byte[]> record, boolean rejected, long receivedAtMillis) {
            if (!rejected) {
                tiles.incrementAndGet();
                return;
            }
            Header stage = record.headers().lastHeader(Headers.STAGE);
            if (stage == null || !Arrays.equals(stage.value(), INGEST_STAGE)) {
                tileRejections.incrementAndGet();
                tiles.incrementAndGet();
            }
        }

        long tiles() {
            return tiles.get();
        }

        long tileRejections() {
            return tileRejections.get();
        }
    }

    /** Segmented tiles per second over the last few seconds. */
    private static final class RateWindow {
        private final ArrayDeque<long[]> samples = new ArrayDeque<>();

        double rate(long count) {
            long now = System.nanoTime();
            samples.addLast(new long[] {now, count});
            while (samples.size() > 2 && now - samples.peekFirst()[0] > 5_000_000_000L) {
                samples.removeFirst();
            }
            long[] first = samples.peekFirst();
            double seconds = (now - first[0]) / 1e9;
            return seconds <= 0 ? 0 : (count - first[1]) / seconds;
        }
    }
}
