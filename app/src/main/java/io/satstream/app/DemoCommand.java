package io.satstream.app;

import io.satstream.app.runtime.EmbeddedFlink;
import io.satstream.app.runtime.FirstModelBootstrap;
import io.satstream.app.runtime.Ports;
import io.satstream.app.runtime.PretrainingOptions;
import io.satstream.app.runtime.PretrainingRuntime;
import io.satstream.app.runtime.RetainedCheckpoints;
import io.satstream.app.runtime.SegmentationJobLauncher;
import io.satstream.app.runtime.SegmentationJobOptions;
import io.satstream.app.runtime.SegmentationProgress;
import io.satstream.app.viewer.Viewer;
import io.satstream.inference.InferenceRuntimes;
import io.satstream.inference.RuntimeChoice;
import io.satstream.ingest.files.DirectoryFeed;
import io.satstream.ingest.files.DirectoryFeedSettings;
import io.satstream.ingest.stac.AssetChoice;
import io.satstream.ingest.stac.HrefFetcher;
import io.satstream.ingest.stac.StacItemFeed;
import io.satstream.ingest.stac.StacSearch;
import io.satstream.ingest.tiling.TilerSettings;
import io.satstream.jobs.SegmentationJob;
import io.satstream.jobs.SegmentationJobConfig;
import io.satstream.jobs.pretrain.PretrainJob;
import io.satstream.kafka.EmbeddedKafka;
import io.satstream.kafka.SatstreamTopics;
import io.satstream.modelstore.ModelStore;
import io.satstream.schemas.ModelRef;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import org.apache.flink.core.execution.JobClient;
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
 * if it is empty), a live feed ({@link DemoSource}: synthetic tiles, a watched directory or a STAC
 * catalogue or API, the latter two exactly once as {@code ingest files|stac} run them, ledger in
 * {@code <work-dir>/ingest}), the segmentation job and the viewer — with a live progress line. With
 * {@code --duration} it stops the feed after that long, waits until every tile committed to {@code tiles} is
 * committed to {@code segmentations} or {@code tiles-dlq}, and exits 0.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the whole system embedded, with live progress, until Ctrl-C or --duration.",
            "Kafka (KRaft) or --bootstrap, a Flink MiniCluster with its web UI, the model",
            "store (a first model is trained if it is empty), a live feed (--source:",
            "synthetic tiles, a watched directory or STAC), the segmentation job and a viewer.%n"
        })
public final class DemoCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(DemoCommand.class);
    private static final String MODEL_NAME = "unet";
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(3);
    /** A scene feed stops after the scene in flight, whose transaction may hold many tiles. */
    private static final Duration FEED_STOP_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration STAC_POLL = Duration.ofSeconds(60);

    @Spec
    private CommandSpec spec;

    @Mixin
    private WorkDirOption workDir;

    @Mixin
    private SegmentationJobOptions jobOptions;

    @Mixin
    private PretrainingOptions pretraining;

    @Option(names = "--pretrain", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "run continuous pretraining beside the segmentation job: the pretraining job fills a buffer"
                    + " from the tiles, the trainer registers candidates and promotes better ones, which the job then"
                    + " serves (default: on; resumes from <work-dir>/pretrain-checkpoints/<objective>)")
    private boolean pretrain;

    @Option(names = "--duration", paramLabel = "TIME", converter = DurationConverter.class,
            description = "stop the feed after this long (e.g. 90s, 5m), drain, and exit 0; default: run until Ctrl-C")
    private Duration duration;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "5",
            description = "synthetic tiles per second; --source synthetic only (default: ${DEFAULT-VALUE})")
    private double rate;

    @Option(names = "--source", paramLabel = "SOURCE", defaultValue = "synthetic",
            description = "where tiles come from: synthetic (procedural scenes at --rate), dir:PATH (image files"
                    + " in a watched directory, as `ingest files`) or stac:URL (a static catalogue: a .json URL or a"
                    + " path; else a STAC API, its landing page or /search; as `ingest stac`, keeping the bands the"
                    + " serving model takes). dir: and stac: send each scene exactly once (ledger in"
                    + " <work-dir>/ingest) and refused ones to tiles-dlq with stage=ingest (default: ${DEFAULT-VALUE})")
    private String source;

    @Option(names = "--tile-size", paramLabel = "PX", defaultValue = "256",
            description = "tile side in pixels for dir: and stac: sources (default: ${DEFAULT-VALUE})")
    private int tileSize;

    @Option(names = "--overlap", paramLabel = "PX", defaultValue = "32",
            description = "pixels shared by neighbouring tiles, for dir: and stac: sources (default: ${DEFAULT-VALUE})")
    private int overlap;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", converter = BootstrapServersConverter.class,
            description = "use this Kafka instead of starting the embedded broker")
    private String bootstrap;

    @Option(names = "--kafka-port", paramLabel = "N", defaultValue = "9092",
            description = "embedded broker port; 0 picks a free one (default: ${DEFAULT-VALUE}, or a free one if busy)")
    private int kafkaPort;

    @Option(names = "--ui-port", paramLabel = "N", defaultValue = "8081",
            description = "Flink web UI port; 0 picks a free one (default: ${DEFAULT-VALUE}, or a free one if busy)")
    private int uiPort;

    @Option(names = "--metrics-port", paramLabel = "N", defaultValue = "9249",
            description = "port of the Prometheus endpoint (/metrics) of Flink's metrics, the job's included; 0 picks"
                    + " a free one (default: ${DEFAULT-VALUE}, or a free one if busy)")
    private int metricsPort;

    @Option(names = "--viewer-port", paramLabel = "N", defaultValue = "8080",
            description = "viewer port; 0 picks a free one (default: ${DEFAULT-VALUE}, or a free one if busy)")
    private int viewerPort;

    @Override
    public Integer call() throws Exception {
        DemoSource feedSource = validate();
        PrintWriter out = spec.commandLine().getOut();
        Path work = workDir.ensure();
        RuntimeChoice choice = InferenceRuntimes.choose(jobOptions.runtime());
        LOG.info("demo starting in {}; runtime {} ({})", work, choice.name(), choice.reason());

        EmbeddedKafka kafka = null;
        EmbeddedFlink flink = null;
        Viewer viewer = null;
        DemoFeed feed = null;
        JobClient job = null;
        PretrainingRuntime pretrainer = null;
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

            flink = EmbeddedFlink.start(Ports.preferredOrFree(uiPort, "--ui-port", progress::println),
                    Ports.preferredOrFree(metricsPort, "--metrics-port", progress::println), pretrain ? 3 : 2,
                    workDir.ensure("flink-tmp"));
            progress.println("flink ui: http://127.0.0.1:" + flink.restPort());
            progress.println("metrics: " + flink.metricsAddress().orElseThrow());

            viewer = Viewer.start(servers, topics, Ports.preferredOrFree(viewerPort, "--viewer-port", progress::println));
            progress.println("viewer: http://127.0.0.1:" + viewer.port());

            SegmentationJobConfig cfg = jobOptions.config(servers, topics, store.root(), MODEL_NAME).build();
            job = SegmentationJobLauncher.submit(flink, cfg,
                    RetainedCheckpoints.in(workDir.ensure("flink-checkpoints")), progress::println);
            progress.println("job: " + SegmentationJob.JOB_NAME + " (" + job.getJobID() + ")");
            if (pretrain) {
                pretrainer = startPretraining(flink, servers, topics, store, progress);
            }
            progress.println("work dir: " + work);
            progress.println(duration == null ? "press Ctrl-C to stop" : "running for " + DurationConverter.format(duration));

            feed = startFeed(feedSource, servers, topics, store, serving, progress);

            try (SegmentationProgress outputs = SegmentationProgress.start(servers, topics)) {
                long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
                while (!stop.requested() && System.nanoTime() < deadline) {
                    SegmentationJobLauncher.requireRunning(job, work.resolve("logs"));
                    progress.update(outputs.status(feed.status()) + pretrainingStatus(pretrainer));
                    Thread.sleep(500);
                }
                feed.stop(FEED_STOP_TIMEOUT);
                if (stop.requested()) {
                    progress.finish("stopping (Ctrl-C)…");
                    return 0;
                }
                // Drain: every tile committed to 'tiles' (ours and anything produced by others) must be accounted for.
                outputs.drain(DRAIN_TIMEOUT, stop::requested, progress, feed::status);
            }
            return 0;
        } finally {
            if (feed != null) {
                feed.stop(FEED_STOP_TIMEOUT);
            }
            closeQuietly(pretrainer);
            if (job != null && flink != null) {
                flink.cancel(job, Duration.ofSeconds(30));
            }
            closeQuietly(viewer);
            closeQuietly(flink);
            closeQuietly(kafka);
        }
    }

    /**
     * Continuous pretraining beside the job, or null with a line saying why not (a serving model it cannot improve:
     * the demo goes on segmenting).
     */
    private PretrainingRuntime startPretraining(EmbeddedFlink flink, String servers, SatstreamTopics.Names topics,
            ModelStore store, ConsoleProgress progress) throws Exception {
        Path checkpoints = workDir.ensure("pretrain-checkpoints").resolve(pretraining.objective());
        PretrainingRuntime.Settings settings;
        try {
            settings = pretraining.settings(servers, topics, PretrainJob.JOB_NAME + "-demo", store.root(), MODEL_NAME,
                    checkpoints);
        } catch (IllegalStateException e) {
            progress.println("pretraining: off (" + e.getMessage() + ")");
            return null;
        }
        PretrainingRuntime runtime = PretrainingRuntime.start(flink, settings);
        progress.println("pretraining: " + pretraining.objective() + " (" + PretrainJob.JOB_NAME + ", "
                + runtime.job().getJobID() + "), checkpoints in " + checkpoints);
        return runtime;
    }

    /** The pretraining part of the status line, or nothing without pretraining; a stopped trainer says why. */
    private static String pretrainingStatus(PretrainingRuntime pretrainer) {
        if (pretrainer == null) {
            return "";
        }
        if (pretrainer.failure() != null) {
            return " | pretraining stopped: " + pretrainer.failure().getMessage();
        }
        return " | " + PretrainingOptions.status(pretrainer.status());
    }

    /** The feed {@code --source} names, started; a scene feed first says what it recovered of a crashed run. */
    private DemoFeed startFeed(DemoSource feedSource, String servers, SatstreamTopics.Names topics, ModelStore store,
            ModelRef serving, ConsoleProgress progress) {
        FeedTarget target = new FeedTarget(servers, topics.tiles(), topics.tilesDlq());
        TilerSettings tiling = new TilerSettings(tileSize, overlap);
        if (feedSource instanceof DemoSource.Directory d) {
            ExactlyOnceFeed<DirectoryFeed> files = ExactlyOnceFeed.files(target, workDir.ensure("ingest"),
                    DirectoryFeedSettings.of(d.dir(), tiling, false),
                    r -> progress.println("refused " + r + " (sent to " + topics.tilesDlq() + ")"));
            SceneIngestSession.reportRecovery(files.writer(), "scene(s)", progress);
            progress.println("source: " + d.dir() + " (watched; " + String.join(", ", DirectoryFeed.extensions())
                    + ")");
            return DemoFeed.scenes("files-feed", files).start();
        }
        if (feedSource instanceof DemoSource.Stac stac) {
            // tiles must carry the bands the serving model takes, in its order, or the job refuses them
            List<String> bands = store.manifest(serving.name(), serving.version())
                    .orElseThrow(() -> new IllegalStateException("model " + serving + " has no manifest"))
                    .toInputSpec().bands();
            StacFeedSpec feedSpec = new StacFeedSpec(stac.root(), stac.api() ? StacSearch.all() : null,
                    STAC_POLL, false, AssetChoice.byBands(bands), new HrefFetcher(), tiling);
            ExactlyOnceFeed<StacItemFeed> items = ExactlyOnceFeed.stac(target, workDir.ensure("ingest"), feedSpec);
            SceneIngestSession.reportRecovery(items.writer(), "item(s)", progress);
            progress.println("source: " + (stac.api() ? "STAC API " + stac.root() + " (polled every "
                    + DurationConverter.format(STAC_POLL) + ")" : "STAC catalogue " + stac.root()) + ", bands "
                    + String.join(",", bands));
            return DemoFeed.scenes("stac-feed", items).start();
        }
        return DemoFeed.synthetic(servers, topics.tiles(), rate).start();
    }

    private DemoSource validate() {
        DemoSource parsed;
        try {
            parsed = DemoSource.parse(source);
            new TilerSettings(tileSize, overlap);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (rate <= 0) {
            throw new ParameterException(spec.commandLine(), "--rate must be > 0, got " + rate);
        }
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new ParameterException(spec.commandLine(), "--duration must be positive");
        }
        checkPort("--kafka-port", kafkaPort);
        checkPort("--ui-port", uiPort);
        checkPort("--metrics-port", metricsPort);
        checkPort("--viewer-port", viewerPort);
        jobOptions.validate(spec.commandLine());
        pretraining.validate(spec.commandLine());
        return parsed;
    }

    private void checkPort(String option, int port) {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), option + " must be 0..65535, got " + port);
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
}
