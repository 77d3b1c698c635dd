package io.satstream.app.job;

import io.satstream.app.BootstrapServersConverter;
import io.satstream.app.ConsoleProgress;
import io.satstream.app.DurationConverter;
import io.satstream.app.ShutdownSignal;
import io.satstream.app.WorkDirOption;
import io.satstream.app.runtime.EmbeddedFlink;
import io.satstream.app.runtime.Ports;
import io.satstream.app.runtime.RetainedCheckpoints;
import io.satstream.app.runtime.SegmentationJobLauncher;
import io.satstream.app.runtime.SegmentationJobOptions;
import io.satstream.app.runtime.SegmentationProgress;
import io.satstream.inference.InferenceRuntimes;
import io.satstream.inference.RuntimeChoice;
import io.satstream.jobs.SegmentationJob;
import io.satstream.jobs.SegmentationJobConfig;
import io.satstream.kafka.SatstreamTopics;
import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelNames;
import io.satstream.modelstore.ModelStore;
import io.satstream.schemas.ModelRef;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
 * {@code satstream job segment}: the segmentation job alone — no feed, no embedded broker — in a local Flink
 * MiniCluster against an existing Kafka, serving the store's serving version of the model, exactly once as in the
 * demo. It runs until Ctrl-C; {@code --duration} stops it after that long, {@code --idle} once no tile has come for
 * that long; either way it first drains (every committed tile accounted for in the output) and exits 0.
 *
 * <p>The consumer group and the sinks' transactional-id prefix are derived from the work directory: a restart with
 * the same work dir uses the same ones (and so aborts the transactions a crashed run left open), while a job with
 * another work dir on the same Kafka neither fences this one nor shares its offsets (it segments every tile too).
 * A restart resumes from the last checkpoint kept in {@code <work-dir>/flink-checkpoints} (offsets, buffered tiles,
 * open transactions), not from the group's offsets, which the Kafka source does not reliably commit.
 */
@Command(name = "segment",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the segmentation job alone against an existing Kafka, in a local embedded Flink",
            "(with its web UI), until Ctrl-C, --duration or --idle. Serves the store's serving",
            "version of --model (<work-dir>/models); it never trains one: run 'satstream models",
            "import' (and 'models promote') or 'satstream demo' first. Creates the satstream",
            "topics if missing. Output is exactly once, as in the demo.",
            "--flink (submitting to a remote Flink cluster) is not available in this version.%n"
        })
public final class JobSegmentCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(JobSegmentCommand.class);
    /** The model the demo trains and serves; the same default as {@code models} (ModelSelection.DEFAULT_MODEL). */
    static final String DEFAULT_MODEL = "unet";
    static final String FLINK_NOT_AVAILABLE = "--flink: submitting to a remote Flink cluster is not available in this"
            + " version (no job jar is built yet); leave out --flink to run the job in a local embedded Flink";
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(3);

    @Spec
    private CommandSpec spec;

    @Mixin
    private WorkDirOption workDir;

    @Mixin
    private SegmentationJobOptions jobOptions;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", converter = BootstrapServersConverter.class,
            description = "the Kafka to read tiles from and write segmentations to")
    private String bootstrap;

    @Option(names = "--flink", paramLabel = "HOST:PORT",
            description = "a remote Flink cluster: not available in this version (exits 2); the job runs locally")
    private String flink;

    @Option(names = "--model", paramLabel = "NAME", defaultValue = DEFAULT_MODEL,
            description = "the model to serve, at its serving version (default: ${DEFAULT-VALUE})")
    private String model;

    @Option(names = "--ui-port", paramLabel = "N", defaultValue = "8081",
            description = "Flink web UI port; 0 picks a free one (default: ${DEFAULT-VALUE}, or a free one if busy)")
    private int uiPort;

    @Option(names = "--metrics-port", paramLabel = "N", defaultValue = "9249",
            description = "port of the Prometheus endpoint (/metrics) of Flink's metrics, the job's included; 0 picks"
                    + " a free one (default: ${DEFAULT-VALUE}, or a free one if busy)")
    private int metricsPort;

    @Option(names = "--duration", paramLabel = "TIME", converter = DurationConverter.class,
            description = "stop after this long (e.g. 90s, 5m), drain, and exit 0; default: run until Ctrl-C")
    private Duration duration;

    @Option(names = "--idle", paramLabel = "TIME", converter = DurationConverter.class,
            description = "exit 0 once no new tile has been committed to tiles for this long and every tile is"
                    + " accounted for in segmentations or tiles-dlq; default: run until Ctrl-C")
    private Duration idle;

    @Option(names = "--connect-timeout", paramLabel = "TIME", converter = DurationConverter.class, defaultValue = "30s",
            description = "give up when Kafka does not answer within this long (default: ${DEFAULT-VALUE})")
    private Duration connectTimeout;

    @Override
    public Integer call() throws Exception {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        // Local checks first: a job without a model must not touch Kafka or create anything.
        ModelStore store = openStore();
        ModelRef serving = servingModel(store);
        SatstreamTopics.Names topics = SatstreamTopics.Names.defaults();
        ensureTopics(bootstrap, topics, connectTimeout);

        Path work = workDir.ensure();
        RuntimeChoice choice = InferenceRuntimes.choose(jobOptions.runtime());
        String identity = kafkaIdentity(work);
        LOG.info("job segment starting in {} against {}; runtime {} ({}); group and transactional-id prefix {}",
                work, bootstrap, choice.name(), choice.reason(), identity);

        EmbeddedFlink cluster = null;
        JobClient job = null;
        try (ShutdownSignal stop = ShutdownSignal.install("job-segment", Duration.ofSeconds(30));
                ConsoleProgress progress = ConsoleProgress.forConsole(out)) {
            progress.println("kafka bootstrap: " + bootstrap);
            progress.println("model store: " + store.root() + " (serving " + serving + ")");
            progress.println("runtime: " + choice.name() + " (" + choice.reason() + ")");
            cluster = EmbeddedFlink.start(Ports.preferredOrFree(uiPort, "--ui-port", progress::println),
                    Ports.preferredOrFree(metricsPort, "--metrics-port", progress::println), 2,
                    workDir.ensure("flink-tmp"));
            progress.println("flink ui: http://127.0.0.1:" + cluster.restPort());
            progress.println("metrics: " + cluster.metricsAddress().orElseThrow());

            SegmentationJobConfig cfg = jobOptions.config(bootstrap, topics, store.root(), serving.name())
                    .groupId(identity)
                    .transactionalIdPrefix(identity)
                    .build();
            job = SegmentationJobLauncher.submit(cluster, cfg,
                    RetainedCheckpoints.in(workDir.ensure("flink-checkpoints")), progress::println);
            progress.println("job: " + SegmentationJob.JOB_NAME + " (" + job.getJobID() + ")");
            progress.println("consumer group and transactional-id prefix: " + identity);
            progress.println("work dir: " + work);
            progress.println(untilWhat());

            try (SegmentationProgress outputs = SegmentationProgress.start(bootstrap, topics)) {
                long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
                long lastTiles = -1;
                long lastNewTileAt = System.nanoTime();
                while (!stop.requested() && System.nanoTime() < deadline) {
                    SegmentationJobLauncher.requireRunning(job, work.resolve("logs"));
                    long tiles = outputs.tilesIn();
                    if (tiles != lastTiles) {
                        lastTiles = tiles;
                        lastNewTileAt = System.nanoTime();
                    }
                    if (idle != null && System.nanoTime() - lastNewTileAt >= idle.toNanos()
                            && outputs.drainedSince(lastNewTileAt)) {
                        progress.finish("done (idle for " + DurationConverter.format(idle) + "): "
                                + outputs.status(""));
                        return 0;
                    }
                    progress.update(outputs.status(""));
                    Thread.sleep(500);
                }
                if (stop.requested()) {
                    progress.finish("stopping (Ctrl-C)…");
                    return 0;
                }
                outputs.drain(DRAIN_TIMEOUT, stop::requested, progress, () -> "");
            }
            return 0;
        } finally {
            if (job != null && cluster != null) {
                cluster.cancel(job, Duration.ofSeconds(30));
            }
            if (cluster != null) {
                try {
                    cluster.close();
                } catch (Exception e) {
                    LOG.warn("while shutting down the Flink MiniCluster: {}", e.toString());
                }
            }
        }
    }

    private String untilWhat() {
        if (duration == null && idle == null) {
            return "press Ctrl-C to stop";
        }
        String forLong = duration == null ? "" : "running for " + DurationConverter.format(duration);
        String whenIdle = idle == null ? "" : "stopping after " + DurationConverter.format(idle) + " without new tiles";
        return forLong.isEmpty() ? whenIdle : whenIdle.isEmpty() ? forLong : forLong + ", or " + whenIdle;
    }

    private void validate() {
        if (flink != null) {
            throw new ParameterException(spec.commandLine(), FLINK_NOT_AVAILABLE);
        }
        jobOptions.validate(spec.commandLine());
        if (uiPort < 0 || uiPort > 65535) {
            throw new ParameterException(spec.commandLine(), "--ui-port must be 0..65535, got " + uiPort);
        }
        if (metricsPort < 0 || metricsPort > 65535) {
            throw new ParameterException(spec.commandLine(), "--metrics-port must be 0..65535, got " + metricsPort);
        }
        requirePositive("--duration", duration);
        requirePositive("--idle", idle);
        requirePositive("--connect-timeout", connectTimeout);
        try {
            ModelNames.check(model);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--model: " + e.getMessage());
        }
    }

    private void requirePositive(String option, Duration value) {
        if (value != null && (value.isNegative() || value.isZero())) {
            throw new ParameterException(spec.commandLine(), option + " must be positive");
        }
    }

    /** The store in the work dir; a missing one is an error, so looking does not create it. */
    private ModelStore openStore() {
        Path root = workDir.path().resolve("models");
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("no model store at " + root + "; " + howToGetAModel());
        }
        return ModelStore.open(root);
    }

    /** The serving version of --model; never trains or promotes one: a production job must not invent its model. */
    private ModelRef servingModel(ModelStore store) {
        var serving = store.servingVersion(model);
        if (serving.isPresent()) {
            return new ModelRef(model, serving.get());
        }
        List<Integer> versions = store.list(model).stream().map(ModelManifest::version).toList();
        if (!versions.isEmpty()) {
            throw new IllegalStateException("model '" + model + "' in " + store.root() + " has versions " + versions
                    + " but none is serving; choose one with 'satstream models promote " + model + "@V --work-dir "
                    + workDir.path() + "'");
        }
        throw new IllegalStateException("no serving version of model '" + model + "' in " + store.root() + "; "
                + howToGetAModel());
    }

    private String howToGetAModel() {
        return "run 'satstream models import FILE.onnx --manifest M.json --work-dir " + workDir.path()
                + "' then 'models promote', or 'satstream demo --work-dir " + workDir.path()
                + "' (it trains a first model), before 'job segment'";
    }

    /**
     * Checks within {@code timeout} that Kafka answers, then creates the satstream topics that are missing (as the
     * demo does).
     */
    static void ensureTopics(String servers, SatstreamTopics.Names topics, Duration timeout) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "satstream-job-admin");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        try (Admin admin = Admin.create(p)) {
            try {
                admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw notAnswering(servers, timeout, e);
            } catch (ExecutionException e) {
                // The admin client's own deadline (the same length) may expire before ours does.
                if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                    throw notAnswering(servers, timeout, e);
                }
                throw new IllegalStateException("Kafka at " + servers + " refused to list topics: "
                        + e.getCause().getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while connecting to Kafka at " + servers, e);
            }
            SatstreamTopics.ensure(admin, topics, 2);
        }
    }

    private static IllegalStateException notAnswering(String servers, Duration timeout, Exception e) {
        return new IllegalStateException("Kafka at " + servers + " did not answer within "
                + DurationConverter.format(timeout), e);
    }

    /**
     * The consumer group and transactional-id prefix of the job run from {@code workDir}: stable across restarts of
     * that work dir (so a restart aborts the transactions a crashed run left open) and different for another work dir (jobs sharing a prefix fence each other's transactions).
     */
    static String kafkaIdentity(Path workDir) {
        String identity = workDir.toAbsolutePath().normalize().toString();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return SegmentationJob.JOB_NAME + "-" + HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
