package io.satstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.Headers;
import io.satstream.schemas.InputLimits;
import io.satstream.schemas.LyingLengths;
import io.satstream.schemas.Tile;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 1 KB record whose Avro {@code pixels} length claims 2 GB, sent to the running job (the attack that took the
 * demo's JVM down with OutOfMemoryError): it reaches {@code tiles-dlq} with the bounds check's reason, the job's
 * threads that fetch and decode records allocate less than the record limit while handling it (HotSpot's
 * per-thread allocation counters: an upper bound on how much the heap could grow), the heap after a full GC is
 * where it was, and the job keeps running and segmenting.
 */
class LyingLengthHeapITCase {
    /** 2 GB, and under Avro's own array cap (2^31 - 9), so plain Avro would try to allocate it. */
    private static final long TWO_GB = 2_000_000_000L;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = JobUnderTest.miniCluster();

    @TempDir
    static Path storeDir;

    @BeforeAll
    static void createModel() {
        TestModelStore.createServingModel(storeDir, "unet");
    }

    @Test
    void aOneKilobyteRecordClaimingTwoGigabytesCostsTheJobLessThanTheRecordLimit() throws Exception {
        Tile base = TestTiles.rgb("liar", 16, 16, 1);
        byte[] lie = LyingLengths.pixelsClaiming(base, TWO_GB, 1024);
        assertThat(lie).hasSize(1024);

        try (JobUnderTest job = JobUnderTest.start(storeDir, "liar");
                KafkaProducer<byte[], byte[]> producer = job.producer()) {
            send(producer, job, "warm-up", AvroCodec.tile().encode(TestTiles.rgb("warm-up", 32, 32, 2)));
            assertThat(job.awaitOutputs(1, Duration.ofSeconds(120)).total()).isEqualTo(1);
            long heapBefore = JobUnderTest.heapAfterFullGc();
            Map<Long, Long> allocatedBefore = allocatedByThread();

            send(producer, job, "liar", lie);
            send(producer, job, "after-the-liar", AvroCodec.tile().encode(TestTiles.rgb("after-the-liar", 32, 32, 3)));
            JobUnderTest.Outputs out = job.awaitOutputs(3, Duration.ofSeconds(120));

            long decodePath = allocatedSince(allocatedBefore, true);
            long everyThread = allocatedSince(allocatedBefore, false);
            long heapAfter = JobUnderTest.heapAfterFullGc();
            System.out.printf("[liar] allocated while handling it: %s by the source and decoding threads, %s by every"
                    + " thread of this JVM (broker, sinks, checkpoints and this test included); heap after full GC"
                    + " %+d KiB%n", InputLimits.humanBytes(decodePath), InputLimits.humanBytes(everyThread),
                    (heapAfter - heapBefore) / 1024);

            assertThat(out.dlq()).hasSize(1);
            ConsumerRecord<byte[], byte[]> rejected = out.dlq().get(0);
            assertThat(new String(rejected.key(), StandardCharsets.UTF_8)).isEqualTo("liar");
            assertThat(rejected.value()).isEqualTo(lie);
            assertThat(header(rejected, Headers.STAGE)).isEqualTo("decode");
            assertThat(header(rejected, Headers.ERROR)).contains("Tile.pixels")
                    .contains("bytes claims " + TWO_GB + " bytes but only");
            assertThat(out.segmentations()).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                    .containsExactlyInAnyOrder("warm-up", "after-the-liar");
            assertThat(decodePath).as("bytes the source and decoding threads allocated")
                    .isPositive().isLessThan(InputLimits.DEFAULT_MAX_RECORD_BYTES);
            assertThat(heapAfter - heapBefore).as("heap growth after a full GC")
                    .isLessThan(InputLimits.DEFAULT_MAX_RECORD_BYTES);
            assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
            assertThat(JobUnderTest.OPENS.get()).as("no restart").isEqualTo(1);
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, JobUnderTest job, String key, byte[] value)
            throws Exception {
        producer.send(JobUnderTest.record(job.topics.tiles(), key.getBytes(StandardCharsets.UTF_8), value, null)).get();
    }

    private static Map<Long, Long> allocatedByThread() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Map<Long, Long> out = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            out.put(id, threads.getThreadAllocatedBytes(id));
        }
        return out;
    }

    /**
     * Bytes allocated since {@code before}; with {@code decodePath}, only by the threads that fetch and decode
     * {@code tiles} records: the Kafka source's fetcher and the task thread that runs decoding (its name lists the
     * chained operators). A thread started since counts from zero.
     */
    private static long allocatedSince(Map<Long, Long> before, boolean decodePath) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            String name = info.getThreadName();
            if (decodePath && !name.contains("decode-validate") && !name.startsWith("Source Data Fetcher")) {
                continue;
            }
            long now = threads.getThreadAllocatedBytes(info.getThreadId());
            sum += Math.max(0, now - before.getOrDefault(info.getThreadId(), 0L));
        }
        return sum;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
