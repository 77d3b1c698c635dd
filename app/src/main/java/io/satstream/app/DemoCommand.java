package io.satstream.app;

import io.satstream.app.runtime.CommittedOutputMonitor;
import io.satstream.app.runtime.EmbeddedFlink;
import io.satstream.app.runtime.FirstModelBootstrap;
import io.satstream.app.runtime.Ports;
import io.satstream.app.viewer.Viewer;
import io.satstream.ingest.FeedRunner;
import io.satstream.ingest.TileProducer;
import io.satstream.ingest.synthetic.SyntheticFeed;
import io.satstream.jobs.SegmentationJob;
import io.satstream.jobs.SegmentationJobConfig;
import io.satstream.kafka.EmbeddedKafka;
import io.satstream.kafka.SatstreamTopics;
import io.satstream.modelstore.ModelStore;
import io.satstream.models.InferenceRuntimes;
import io.satstream.models.RuntimeChoice;
import io.satstream.schemas.ModelRef;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code satstream demo}: the whole system in one JVM — a Kafka broker (or an existing one with
 * {@code --bootstrap}), a Flink MiniCluster with its web UI, the model store (training a first model
 * if it is empty), a live synthetic satellite feed, the segmentation job and the viewer — with a live
 * progress line. With {@code --duration} it stops the feed after that long, waits until every tile in
 * {@code tiles} is committed to {@code segmentations} or {@code tiles-dlq}, and exits 0.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the whole system embedded, with live progress, until Ctrl-C or --duration.",
            "Kafka (KRaft) or --bootstrap, a Flink MiniCluster with its web UI, the model store (a first model is",
            "trained if it is empty), a live synthetic satellite feed, the segmentation job and a viewer.%n"
        })
public final class DemoCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(DemoCommand.class);
    private static final String MODEL_NAME = "unet";
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(3);

    @Spec
    private CommandSpec spec;

    @Mixin
    private WorkDirOption workDir;

    @Option(names = "--duration", paramLabel = "TIME", converter = DurationConverter.class,
            description = "stop the feed after this long (e.g. 90s, 5m), drain, and exit 0; default: run until Ctrl-C")
    private Duration duration;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "5",
            description = "synthetic tiles per second (default: ${DEFAULT-VALUE})")
    private double rate;

    @Option(names = "--source", paramLabel = "SOURCE", defaultValue = "synthetic",
            description = "where tiles come from: synthetic (dir:PATH and stac:URL arrive with issue #3)")
    private String source;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", converter = BootstrapServersConverter.class,
            description = "use this Kafka instead of starting the embedded broker")
    private String bootstrap;

    @Option(names = "--kafka-port", paramLabel = "N", defaultValue = "9092",
            description = "embedded broker port; 0 picks a free one (default: ${DEFAULT-VALUE}, or a free one if busy)")
    private int kafkaPort;

    @Option(names = "--ui-port", paramLabel = "N", defaultValue = "8081",
            description = "Flink web UI port; 0 picks a free one (default: ${DEFAULT-VALUE}, or a free one if busy)")
    private int uiPort;

    @Option(names = "--viewer-port", paramLabel = "N", defaultValue = "8080",
            description = "viewer port; 0 picks a free one (default: ${DEFAULT-VALUE}, or a free one if busy)")
    private int viewerPort;

    @Option(names = "--runtime", paramLabel = "NAME", defaultValue = "auto",
            description = "inference runtime: auto, onnxruntime or tensorrt (default: ${DEFAULT-VALUE})")
    private String runtime;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "8",
            description = "most tiles per inference batch (default: ${DEFAULT-VALUE})")
    private int batchSize;

    @Option(names = "--threads", paramLabel = "N", description = "inference threads (default: all cores but one)")
    private Integer threads;

    @Option(names = "--features", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "also vectorise masks to GeoJSON on the segmentation-features topic (default: on)")
    private boolean features;

    @Option(names = "--checkpoint-interval", paramLabel = "TIME", converter = DurationConverter.class,
            defaultValue = "2s", description = "Flink checkpoint interval = commit interval of the output (default: ${DEFAULT-VALUE})")
    private Duration checkpointInterval;

    @Override
    public Integer call() throws Exception {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        Path work = workDir.ensure();
        RuntimeChoice choice = InferenceRuntimes.choose(runtime);
        LOG.info("demo starting in {}; runtime {} ({})", work, choice.name(), choice.reason());

        EmbeddedKafka kafka = null;
        EmbeddedFlink flink = null;
        Viewer viewer = null;
        FeedRunner feed = null;
        Thread feedThread = null;
        JobClient job = null;
        try (ShutdownSignal stop = ShutdownSignal.install("demo", Duration.ofSeconds(30));
                ConsoleProgress progress = ConsoleProgress.forConsole(out)) {
            String servers = bootstrap;
            if (servers == null) {
                int port = Ports.preferredOrFree(kafkaPort, "--kafka-port", progress::println);
                kafka = EmbeddedKafka.builder().port(port).logDir(workDir.ensure("kafka")).build().start();
                servers = kafka.bootstrapServers();
            }
            out.println("kafka bootstrap: " + servers);
            out.flush();
            SatstreamTopics.Names topics = SatstreamTopics.Names.defaults();
            SatstreamTopics.ensure(servers, topics, 2);

            ModelStore store = ModelStore.open(workDir.ensure("models"));
            ModelRef serving = FirstModelBootstrap.ensureServing(store, MODEL_NAME, progress);
            progress.println("model store: " + store.root() + " (serving " + serving + ")");
            progress.println("runtime: " + choice.name() + " (" + choice.reason() + ")");

            flink = EmbeddedFlink.start(Ports.preferredOrFree(uiPort, "--ui-port", progress::println), 2,
                    workDir.ensure("flink-tmp"));
            progress.println("flink ui: http://127.0.0.1:" + flink.restPort());

            viewer = Viewer.start(servers, topics, Ports.preferredOrFree(viewerPort, "--viewer-port", progress::println));
            progress.println("viewer: http://127.0.0.1:" + viewer.port());

            SegmentationJobConfig cfg = SegmentationJobConfig.builder()
                    .bootstrapServers(servers)
                    .tilesTopic(topics.tiles())
                    .segmentationsTopic(topics.segmentations())
                    .dlqTopic(topics.tilesDlq())
                    .features(features)
                    .featuresTopic(topics.segmentationFeatures())
                    .modelStoreDir(store.root().toString())
                    .modelName(MODEL_NAME)
                    .runtime(runtime)
                    .intraOpThreads(threads != null ? threads : SegmentationJobConfig.defaultInferenceThreads())
                    .batchMaxSize(batchSize)
                    .checkpointInterval(checkpointInterval)
                    .build();
            job = flink.submit(SegmentationJob.JOB_NAME, env -> {
                SegmentationJob.configureEnvironment(env, cfg);
                SegmentationJob.build(env, cfg);
            });
            progress.println("job: " + SegmentationJob.JOB_NAME + " (" + job.getJobID() + ")");
            progress.println("work dir: " + work);
            progress.println(duration == null ? "press Ctrl-C to stop" : "running for " + DurationConverter.format(duration));

            String runId = Long.toString(System.currentTimeMillis(), 36);
            TileProducer producer = new TileProducer(servers, topics.tiles());
            feed = FeedRunner.builder(new SyntheticFeed(runId, System.nanoTime(), 256, -1), producer).rate(rate).build();
            feedThread = startFeed(feed);

            try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers));
                    CommittedOutputMonitor monitor = new CommittedOutputMonitor(servers, topics.segmentations(),
                            topics.tilesDlq(), null).start()) {
                RateWindow window = new RateWindow();
                long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
                while (!stop.requested() && System.nanoTime() < deadline) {
                    if (job.getJobStatus().get().isGloballyTerminalState()) {
                        throw new IllegalStateException("the segmentation job ended: " + job.getJobStatus().get()
                                + " (see the log in " + work.resolve("logs") + ")");
                    }
                    progress.update(status(admin, topics, monitor, window));
                    Thread.sleep(500);
                }
                feed.stop();
                feedThread.join(10_000);
                producer.close();
                if (stop.requested()) {
                    progress.finish("stopping (Ctrl-C)…");
                    return 0;
                }
                // Drain: everything in 'tiles' (ours and anything produced by others) must be committed.
                long drainDeadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
                long in = CommittedOutputMonitor.recordsIn(admin, topics.tiles());
                while (monitor.segmented() + monitor.rejected() < in) {
                    if (System.nanoTime() > drainDeadline || stop.requested()) {
                        progress.finish(status(admin, topics, monitor, window));
                        throw new IllegalStateException("output did not catch up with the " + in
                                + " tiles within " + DurationConverter.format(DRAIN_TIMEOUT));
                    }
                    progress.update("draining: " + status(admin, topics, monitor, window));
                    Thread.sleep(250);
                    in = CommittedOutputMonitor.recordsIn(admin, topics.tiles());
                }
                progress.finish("done: " + status(admin, topics, monitor, window));
            }
            return 0;
        } finally {
            if (feed != null) {
                feed.stop();
            }
            if (job != null && flink != null) {
                flink.cancel(job, Duration.ofSeconds(30));
            }
            closeQuietly(viewer);
            closeQuietly(flink);
            closeQuietly(kafka);
        }
    }

    private static Thread startFeed(FeedRunner feed) {
        Thread thread = new Thread(() -> {
            try {
                feed.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.error("synthetic feed stopped", e);
            }
        }, "synthetic-feed");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private String status(Admin admin, SatstreamTopics.Names topics, CommittedOutputMonitor monitor, RateWindow window) {
        long in = CommittedOutputMonitor.recordsIn(admin, topics.tiles());
        long done = monitor.segmented();
        String version = monitor.lastModelVersion();
        return String.format("tiles in %d | segmented %d | rejected %d | %.1f tiles/s | serving %s",
                in, done, monitor.rejected(), window.rate(done), version == null ? "…" : version);
    }

    private void validate() {
        if (!"synthetic".equals(source)) {
            throw new ParameterException(spec.commandLine(), "--source " + source
                    + " is not available yet; only 'synthetic' works in this version");
        }
        if (rate <= 0) {
            throw new ParameterException(spec.commandLine(), "--rate must be > 0, got " + rate);
        }
        if (batchSize < 1) {
            throw new ParameterException(spec.commandLine(), "--batch-size must be >= 1, got " + batchSize);
        }
        if (threads != null && threads < 1) {
            throw new ParameterException(spec.commandLine(), "--threads must be >= 1, got " + threads);
        }
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new ParameterException(spec.commandLine(), "--duration must be positive");
        }
        for (int p : new int[] {kafkaPort, uiPort, viewerPort}) {
            if (p < 0 || p > 65535) {
                throw new ParameterException(spec.commandLine(), "ports must be 0..65535, got " + p);
            }
        }
        if (!java.util.Set.of("auto", "onnxruntime", "tensorrt").contains(runtime)) {
            throw new ParameterException(spec.commandLine(), "--runtime must be auto, onnxruntime or tensorrt, got " + runtime);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("while shutting down {}: {}", c.getClass().getSimpleName(), e.toString());
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
