package io.satstream.jobs;

import io.satstream.jobs.records.RawTileRecord;
import io.satstream.kafka.SatstreamTopics;
import io.satstream.kafka.testing.KafkaTestBroker;
import io.satstream.kafka.testing.TopicContents;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One {@link SegmentationJob} on the test's MiniCluster, on topics of its own on the shared test broker, with
 * what hostile-input tests look at: how many times its tasks opened (a restart opens them again), its status,
 * the committed outputs, and the JVM's heap (the MiniCluster runs in this JVM).
 */
final class JobUnderTest implements AutoCloseable {
    /** Opens of the tap in front of decoding: 1 while the job has never restarted (parallelism 1). */
    static final AtomicInteger OPENS = new AtomicInteger();

    final SatstreamTopics.Names topics;
    final String bootstrap;
    private final JobClient job;

    private JobUnderTest(SatstreamTopics.Names topics, String bootstrap, JobClient job) {
        this.topics = topics;
        this.bootstrap = bootstrap;
        this.job = job;
    }

    /** The MiniCluster a test class registers for it: one slot, as the job runs with parallelism 1. */
    static MiniClusterExtension miniCluster() {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(1).build());
    }

    /** Creates the topics and starts the job with parallelism 1, serving the model in {@code storeDir}. */
    static JobUnderTest start(Path storeDir, String name) throws Exception {
        String run = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        SatstreamTopics.Names topics = TestJobs.topics(run);
        String bootstrap = KafkaTestBroker.bootstrapServers();
        SatstreamTopics.ensure(bootstrap, topics, 1);
        SegmentationJobConfig cfg = TestJobs.config(bootstrap, topics, run, storeDir)
                .checkpointInterval(Duration.ofMillis(500))
                .parallelism(1)
                .build();
        OPENS.set(0);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        SegmentationJob.configureEnvironment(env, cfg);
        SegmentationJob.build(env, cfg, raw -> raw.map(new CountOpens()).name("count-opens"));
        return new JobUnderTest(topics, bootstrap, env.executeAsync(run));
    }

    JobStatus status() throws Exception {
        return job.getJobStatus().get();
    }

    KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(16 * 1024 * 1024));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    static ProducerRecord<byte[], byte[]> record(String topic, byte[] key, byte[] value, byte[] sourceHeader) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, key, value);
        if (sourceHeader != null) {
            r.headers().add(io.satstream.schemas.Headers.SOURCE, sourceHeader);
        }
        return r;
    }

    /** Committed segmentations and DLQ records once together they number at least {@code expected}. */
    Outputs awaitOutputs(int expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Outputs out = read();
        while (out.total() < expected && System.nanoTime() < deadline) {
            Thread.sleep(500);
            out = read();
        }
        return out;
    }

    Outputs read() {
        return new Outputs(TopicContents.committed(bootstrap, topics.segmentations()),
                TopicContents.committed(bootstrap, topics.tilesDlq()));
    }

    record Outputs(List<ConsumerRecord<byte[], byte[]>> segmentations, List<ConsumerRecord<byte[], byte[]>> dlq) {
        int total() {
            return segmentations.size() + dlq.size();
        }
    }

    /** Heap in use after a full collection (System.gc() is a full, stop-the-world collection on G1 by default). */
    static long heapAfterFullGc() {
        long used = Long.MAX_VALUE;
        // twice: the first may leave objects whose finalisation or reference processing frees more
        for (int i = 0; i < 2; i++) {
            System.gc();
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    @Override
    public void close() throws Exception {
        job.cancel().get();
    }

    /** Passes records through and counts how many times a task opened it. */
    static final class CountOpens extends RichMapFunction<RawTileRecord, RawTileRecord> {
        @Override
        public void open(OpenContext ctx) {
            OPENS.incrementAndGet();
        }

        @Override
        public RawTileRecord map(RawTileRecord value) {
            return value;
        }
    }
}
