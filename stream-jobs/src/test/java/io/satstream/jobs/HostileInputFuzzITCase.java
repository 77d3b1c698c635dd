package io.satstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.jobs.HostileRecords.Crafted;
import io.satstream.jobs.HostileRecords.Expect;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.Headers;
import io.satstream.schemas.InputLimits;
import io.satstream.schemas.MaskValues;
import io.satstream.schemas.Segmentation;
import io.satstream.schemas.Tile;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fuzz suite over {@code tiles}: rounds of 12,002 generated hostile records ({@link HostileRecords#PLAN}: random bytes,
 * truncated and bit-flipped Avro, wrong fingerprints, lying lengths, lying PNG/JPEG/TIFF headers and a PNG bomb,
 * impossible dimensions, disagreeing band counts, out-of-range and NaN/Inf samples, null values, binary and
 * oversized keys, undecodable headers) interleaved with 600 good tiles a round, three rounds by default, through the
 * real job on a MiniCluster in this JVM (the failsafe heap, 3 GiB, is below the demo's 4 GiB).
 *
 * <p>Checks: every record the job must refuse is in {@code tiles-dlq} exactly once, with a reason and the
 * expected stage, and nowhere else; every good tile is segmented exactly once (NaN/Inf pixels as no data); a
 * bit-flipped record is in exactly one of the two; nothing else comes out; the job never restarts; and after each
 * round past the first, the heap after a full collection is within the record limit of where the first round left it
 * (the first grows it by 40-55 MiB once: what the job and the broker in this JVM keep, not attributed yet; Kafka
 * clients' pooled buffers are not it, the class histogram shows). The seed is printed and can be set
 * with {@code -Dsatstream.fuzz.seed=N} to reproduce a failure.
 */
class HostileInputFuzzITCase {
    private static final int WARM_UP = 24;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = JobUnderTest.miniCluster();

    @TempDir
    static Path storeDir;

    @BeforeAll
    static void createModel() {
        TestModelStore.createServingModel(storeDir, "unet");
    }

    @Test
    void everyHostileRecordIsRefusedOnceEveryGoodTileSegmentedOnceAndTheHeapReturnsToItsBaseline() throws Exception {
        long seed = Long.getLong("satstream.fuzz.seed", 20261204L);
        System.out.println("[fuzz] seed " + seed + " (rerun with -Dsatstream.fuzz.seed=" + seed + ")");
        byte[] jpeg = Files.readAllBytes(TestTiles.sharedData().resolve(
                "dubai-aerial-semseg/Tile 1/images/image_part_001.jpg"));
        // Rounds of different records. Round 0 is part of the warm-up: the heap grows by 40-55 MiB once in it; the
        // measured rounds after it must leave the heap where round 0 left it (-Dsatstream.fuzz.rounds=N measured
        // rounds, for a longer soak).
        int rounds = 1 + Math.max(2, Integer.getInteger("satstream.fuzz.rounds", 2));
        List<List<Crafted>> byRound = new ArrayList<>();
        List<Crafted> all = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            byRound.add(new HostileRecords(seed + r, jpeg).generate(r == 0 ? "" : "round-" + r + "-"));
            all.addAll(byRound.get(r));
        }

        try (JobUnderTest job = JobUnderTest.start(storeDir, "fuzz")) {
            // Warm up (model loaded, first batches, transactions, metrics) before taking the heap's baseline.
            try (KafkaProducer<byte[], byte[]> producer = job.producer()) {
                for (int i = 0; i < WARM_UP; i++) {
                    Tile t = TestTiles.rgb("warm-up-" + i, 32, 32, i);
                    producer.send(JobUnderTest.record(job.topics.tiles(),
                            t.getTileId().getBytes(StandardCharsets.UTF_8), AvroCodec.tile().encode(t), null));
                }
            }
            assertThat(job.awaitOutputs(WARM_UP, Duration.ofSeconds(120)).total()).isEqualTo(WARM_UP);
            long beforeRound0 = JobUnderTest.heapAfterFullGc();
            histogram("before round 0");

            HeapPeak peak = HeapPeak.start();
            long[] after = new long[rounds];
            int sent = WARM_UP;
            for (int r = 0; r < rounds; r++) {
                sent += byRound.get(r).size();
                after[r] = sendAndAwait(job, byRound.get(r), sent);
                histogram("after round " + r);
            }
            long peakUsed = peak.stop();
            Thread.sleep(2_000); // a duplicate, if any, has time to show
            Report report = check(all, job.read());
            System.out.println(report.describe());
            StringBuilder heap = new StringBuilder("[fuzz] heap after full GC: before round 0 "
                    + InputLimits.humanBytes(beforeRound0));
            for (int r = 0; r < rounds; r++) {
                heap.append(String.format(", after round %d %s (%+d KiB)", r, InputLimits.humanBytes(after[r]),
                        (after[r] - (r == 0 ? beforeRound0 : after[r - 1])) / 1024));
            }
            System.out.println(heap + "; peak in use " + InputLimits.humanBytes(peakUsed) + " (garbage included) of max "
                    + InputLimits.humanBytes(Runtime.getRuntime().maxMemory()));
            long baseline = after[0];
            long highest = java.util.Arrays.stream(after, 1, rounds).max().orElseThrow();

            assertThat(job.status()).as("the job is still running").isEqualTo(JobStatus.RUNNING);
            assertThat(JobUnderTest.OPENS.get()).as("the job's tasks opened once: no restart").isEqualTo(1);
            assertThat(highest - baseline).as("heap after full GC, after each measured round, grew by less than the"
                    + " record limit over where round 0 left it").isLessThan(InputLimits.DEFAULT_MAX_RECORD_BYTES);
        }
    }

    /**
     * Sends the records, waits for the job to answer all, and returns the heap after a full GC. The producer is
     * closed and what the test read is dropped before measuring: what is left is the job's (and the broker's).
     */
    private static long sendAndAwait(JobUnderTest job, List<Crafted> records, int expectedTotal) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = job.producer()) {
            for (Crafted c : records) {
                producer.send(JobUnderTest.record(job.topics.tiles(), c.key(), c.value(), c.sourceHeader()));
            }
        }
        int answered = job.awaitOutputs(expectedTotal, Duration.ofSeconds(600)).total();
        assertThat(answered).as("records answered").isGreaterThanOrEqualTo(expectedTotal);
        return JobUnderTest.heapAfterFullGc();
    }

    /** With -Dsatstream.fuzz.histogram=true, the heap's classes (jcmd), to find what grew. */
    private static void histogram(String when) throws Exception {
        if (Boolean.getBoolean("satstream.fuzz.histogram")) {
            System.out.println("[fuzz] class histogram " + when);
            Process p = new ProcessBuilder("jcmd", String.valueOf(ProcessHandle.current().pid()), "GC.class_histogram")
                    .redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            // the biggest classes, and the heap buffers Kafka clients pool
            java.util.concurrent.atomic.AtomicInteger line = new java.util.concurrent.atomic.AtomicInteger();
            text.lines().filter(l -> line.incrementAndGet() <= 12 || l.contains("HeapByteBuffer"))
                    .forEach(l -> System.out.println("[fuzz]   " + l));
        }
    }

    /** Compares what came out with what each record asked for; fails on the first record that went wrong. */
    private static Report check(List<Crafted> crafted, JobUnderTest.Outputs out) {
        Map<String, List<ConsumerRecord<byte[], byte[]>>> dlqById = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : out.dlq()) {
            dlqById.computeIfAbsent(identity(r.key(), r.value()), k -> new ArrayList<>()).add(r);
        }
        Map<String, Segmentation> segmentations = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : out.segmentations()) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            assertThat(segmentations.put(key, AvroCodec.segmentation().decode(r.value())))
                    .as("segmentation of %s appears once", key).isNull();
        }
        Report report = new Report();
        Map<String, Integer> dlqUses = new HashMap<>();
        int expectedSegmentations = WARM_UP;
        for (Crafted c : crafted) {
            String id = identity(c.key(), c.value());
            List<ConsumerRecord<byte[], byte[]>> inDlq = dlqById.getOrDefault(id, List.of());
            int used = dlqUses.merge(id, 1, Integer::sum);
            ConsumerRecord<byte[], byte[]> dlq = used <= inDlq.size() ? inDlq.get(used - 1) : null;
            String tileKey = segmentationKey(c);
            boolean segmented = tileKey != null && segmentations.containsKey(tileKey);
            switch (c.expect()) {
                case DLQ -> {
                    assertThat(dlq).as("%s record %s in tiles-dlq", c.kind(), tileKey).isNotNull();
                    assertThat(segmented).as("%s record %s not segmented", c.kind(), tileKey).isFalse();
                    String stage = header(dlq, Headers.STAGE);
                    if (c.stage() != null) {
                        assertThat(stage).as("stage of %s record %s (%s)", c.kind(), tileKey, header(dlq, Headers.ERROR))
                                .isEqualTo(c.stage());
                    }
                    assertThat(header(dlq, Headers.ERROR)).as("reason").isNotBlank();
                    report.count(c.kind(), "dlq");
                    report.reason(stage, header(dlq, Headers.ERROR));
                }
                case SEGMENTED -> {
                    assertThat(dlq).as("%s record %s not in tiles-dlq (%s)", c.kind(), tileKey,
                            dlq == null ? "" : header(dlq, Headers.ERROR)).isNull();
                    assertThat(segmented).as("%s record %s segmented", c.kind(), tileKey).isTrue();
                    checkNoData(c, segmentations.get(tileKey));
                    expectedSegmentations++;
                    report.count(c.kind(), "segmented");
                }
                case EITHER -> {
                    assertThat(dlq != null ^ segmented).as("%s record %s in exactly one output", c.kind(), tileKey)
                            .isTrue();
                    expectedSegmentations += segmented ? 1 : 0;
                    report.count(c.kind(), segmented ? "segmented" : "dlq");
                    if (dlq != null) {
                        report.reason(header(dlq, Headers.STAGE), header(dlq, Headers.ERROR));
                    }
                }
            }
        }
        assertThat(out.dlq()).as("nothing else in tiles-dlq").hasSize(report.total("dlq"));
        assertThat(out.segmentations()).as("nothing else segmented").hasSize(expectedSegmentations);
        return report;
    }

    /** The key a record's segmentation has: its key, or for a keyless good tile the tile id inside it. */
    private static String segmentationKey(Crafted c) {
        if (c.key() != null && c.key().length > 0) {
            return new String(c.key(), StandardCharsets.UTF_8);
        }
        return c.expect() == Expect.SEGMENTED ? AvroCodec.tile().decode(c.value()).getTileId() : null;
    }

    /** NaN/Inf pixels came out as no data (255) and counted in no class; the others as classes. */
    private static void checkNoData(Crafted c, Segmentation s) {
        Tile tile = AvroCodec.tile().decode(c.value());
        boolean[] nonFinite = HostileRecords.nonFinitePixels(tile);
        byte[] mask = new byte[s.getMask().remaining()];
        s.getMask().duplicate().get(mask);
        long noData = 0;
        for (int i = 0; i < mask.length; i++) {
            boolean isNoData = (mask[i] & 0xFF) == MaskValues.NO_DATA;
            if (isNoData != nonFinite[i]) {
                throw new AssertionError(c.kind() + " " + tile.getTileId() + " pixel " + i + ": mask " + (mask[i] & 0xFF)
                        + ", sample " + (nonFinite[i] ? "not finite" : "finite"));
            }
            noData += isNoData ? 1 : 0;
        }
        assertThat(s.getClassPixelCounts().stream().mapToLong(Long::longValue).sum()).isEqualTo(mask.length - noData);
        assertThat(Float.isFinite(s.getMeanConfidence())).as("mean confidence of %s", tile.getTileId()).isTrue();
        if (noData == mask.length) {
            assertThat(s.getMeanConfidence()).as("no pixel with data, no confidence").isZero();
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Key and value as they were: the DLQ keeps both unchanged, so this finds a record's rejection. */
    private static String identity(byte[] key, byte[] value) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (byte[] part : new byte[][] {key, value}) {
                sha.update(part == null ? new byte[] {0} : ByteBuffer.allocate(5).put((byte) 1).putInt(part.length)
                        .array());
                if (part != null) {
                    sha.update(part);
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Counts by kind and outcome, and DLQ reasons by stage with numbers taken out. */
    private static final class Report {
        private final Map<String, Map<String, Integer>> byKind = new TreeMap<>();
        private final Map<String, Integer> reasons = new TreeMap<>();

        void count(String kind, String outcome) {
            byKind.computeIfAbsent(kind, k -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
        }

        void reason(String stage, String error) {
            String shape = error.replaceAll("'[^']*'", "'…'").replaceAll("[0-9A-F]{2}( [0-9A-F]{2})+", "…")
                    .replaceAll("-?[0-9][0-9.E]*", "N");
            reasons.merge(stage + ": " + (shape.length() > 90 ? shape.substring(0, 90) + "…" : shape), 1,
                    Integer::sum);
        }

        int total(String outcome) {
            return byKind.values().stream().mapToInt(m -> m.getOrDefault(outcome, 0)).sum();
        }

        String describe() {
            StringBuilder sb = new StringBuilder("[fuzz] records by kind and outcome:\n");
            byKind.forEach((k, v) -> sb.append(String.format("[fuzz]   %-32s %s%n", k, v)));
            sb.append(String.format("[fuzz] total: %d to tiles-dlq, %d segmented%n", total("dlq"), total("segmented")));
            sb.append("[fuzz] DLQ reasons (numbers as N):\n");
            reasons.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                    .forEach(e -> sb.append(String.format("[fuzz]   %6d  %s%n", e.getValue(), e.getKey())));
            return sb.toString();
        }
    }

    /** Samples the heap in use every 5 ms: the peak, garbage included, for the report. */
    private static final class HeapPeak {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong peak = new AtomicLong();
        private final Thread thread;

        private HeapPeak() {
            thread = new Thread(() -> {
                var memory = ManagementFactory.getMemoryMXBean();
                while (running.get()) {
                    peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "heap-peak");
            thread.setDaemon(true);
        }

        static HeapPeak start() {
            HeapPeak p = new HeapPeak();
            p.thread.start();
            return p;
        }

        long stop() throws InterruptedException {
            running.set(false);
            thread.join();
            return peak.get();
        }
    }
}
