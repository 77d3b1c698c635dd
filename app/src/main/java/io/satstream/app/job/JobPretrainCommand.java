package io.satstream.app.job;

import io.satstream.app.BootstrapServersConverter;
import io.satstream.app.ConsoleProgress;
import io.satstream.app.DurationConverter;
import io.satstream.app.ShutdownSignal;
import io.satstream.app.WorkDirOption;
import io.satstream.app.runtime.EmbeddedFlink;
import io.satstream.app.runtime.Ports;
import io.satstream.app.runtime.PretrainingOptions;
import io.satstream.app.runtime.PretrainingRuntime;
import io.satstream.jobs.pretrain.PretrainJob;
import io.satstream.kafka.SatstreamTopics;
import io.satstream.modelstore.ModelNames;
import io.satstream.modelstore.ModelStore;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code satstream job pretrain}: continuous pretraining against an existing Kafka, beside a segmentation job that
 * runs elsewhere ({@code job segment} or the demo) on the same work dir: the pretraining job reads {@code tiles} with
 * its own consumer group into the pretraining buffer, the trainer steps the objective, registers candidates in
 * {@code <work-dir>/models} and promotes better ones on {@code model-events}. It resumes from its checkpoint in
 * {@code <work-dir>/pretrain-checkpoints/<objective>}.
 */
@Command(name = "pretrain",
        mixinStandardHelpOptions = true,
        description = {
            "Runs continuous pretraining against an existing Kafka, in a local embedded Flink, until",
            "Ctrl-C or --duration: tiles -> admission -> pretraining buffer -> objective steps ->",
            "fine-tuned candidates in <work-dir>/models -> PROMOTED on model-events when one beats",
            "the serving version by --promotion-delta on held-out scenes. A segmentation job on the",
            "same work dir follows the promotions. Resumes from its last checkpoint.",
            "--flink (submitting to a remote Flink cluster) is not available in this version.%n"
        })
public final class JobPretrainCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private WorkDirOption workDir;

    @Mixin
    private PretrainingOptions pretraining;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", converter = BootstrapServersConverter.class,
            description = "the Kafka to read tiles from and publish model events to")
    private String bootstrap;

    @Option(names = "--flink", paramLabel = "HOST:PORT",
            description = "a remote Flink cluster: not available in this version (exits 2); the job runs locally")
    private String flink;

    @Option(names = "--model", paramLabel = "NAME", defaultValue = JobSegmentCommand.DEFAULT_MODEL,
            description = "the model to improve: its serving version is the parent (default: ${DEFAULT-VALUE})")
    private String model;

    @Option(names = "--ui-port", paramLabel = "N", defaultValue = "8082",
            description = "Flink web UI port; 0 picks a free one (default: ${DEFAULT-VALUE}, or a free one if busy)")
    private int uiPort;

    @Option(names = "--metrics-port", paramLabel = "N", defaultValue = "9250",
            description = "port of the Prometheus endpoint (/metrics): the pretraining job's admission counters, the"
                    + " buffer's and the trainer's gauges; 0 picks a free one (default: ${DEFAULT-VALUE}, or a free"
                    + " one if busy)")
    private int metricsPort;

    @Option(names = "--duration", paramLabel = "TIME", converter = DurationConverter.class,
            description = "stop after this long (e.g. 10m) and exit 0; default: run until Ctrl-C")
    private Duration duration;

    @Option(names = "--connect-timeout", paramLabel = "TIME", converter = DurationConverter.class, defaultValue = "30s",
            description = "give up when Kafka does not answer within this long (default: ${DEFAULT-VALUE})")
    private Duration connectTimeout;

    @Override
    public Integer call() throws Exception {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        SatstreamTopics.Names topics = SatstreamTopics.Names.defaults();
        JobSegmentCommand.ensureTopics(bootstrap, topics, connectTimeout);
        Path work = workDir.ensure();
        ModelStore store = ModelStore.open(workDir.ensure("models"));
        Path checkpoints = workDir.ensure("pretrain-checkpoints").resolve(pretraining.objective());
        String identity = JobSegmentCommand.kafkaIdentity(work);
        String group = PretrainJob.JOB_NAME + "-" + identity.substring(identity.lastIndexOf('-') + 1);
        try (ShutdownSignal stop = ShutdownSignal.install("job-pretrain", Duration.ofSeconds(30));
                ConsoleProgress progress = ConsoleProgress.forConsole(out);
                EmbeddedFlink cluster = EmbeddedFlink.start(Ports.preferredOrFree(uiPort, "--ui-port",
                        progress::println), Ports.preferredOrFree(metricsPort, "--metrics-port", progress::println), 1,
                        workDir.ensure("flink-tmp"))) {
            progress.println("kafka bootstrap: " + bootstrap);
            progress.println("model store: " + store.root() + " (serving " + store.servingVersion(model)
                    .map(v -> model + "@" + v).orElse("none yet") + ")");
            progress.println("flink ui: http://127.0.0.1:" + cluster.restPort());
            progress.println("metrics: " + cluster.metricsAddress().orElseThrow());
            try (PretrainingRuntime runtime = PretrainingRuntime.start(cluster, pretraining.settings(bootstrap, topics,
                    group, store.root(), model, checkpoints))) {
                progress.println("job: " + PretrainJob.JOB_NAME + " (" + runtime.job().getJobID() + "), consumer group "
                        + group);
                progress.println("objective: " + pretraining.objective() + ", checkpoints in " + checkpoints);
                progress.println(duration == null ? "press Ctrl-C to stop"
                        : "running for " + DurationConverter.format(duration));
                long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
                while (!stop.requested() && System.nanoTime() < deadline) {
                    if (runtime.failure() != null) {
                        throw new IllegalStateException("the trainer stopped: " + runtime.failure().getMessage(),
                                runtime.failure());
                    }
                    progress.update(PretrainingOptions.status(runtime.status()));
                    Thread.sleep(500);
                }
                progress.finish((stop.requested() ? "stopping (Ctrl-C): " : "done: ")
                        + PretrainingOptions.status(runtime.status()));
            }
        }
        return 0;
    }

    private void validate() {
        if (flink != null) {
            throw new ParameterException(spec.commandLine(), JobSegmentCommand.FLINK_NOT_AVAILABLE);
        }
        pretraining.validate(spec.commandLine());
        if (uiPort < 0 || uiPort > 65535) {
            throw new ParameterException(spec.commandLine(), "--ui-port must be 0..65535, got " + uiPort);
        }
        if (metricsPort < 0 || metricsPort > 65535) {
            throw new ParameterException(spec.commandLine(), "--metrics-port must be 0..65535, got " + metricsPort);
        }
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new ParameterException(spec.commandLine(), "--duration must be positive");
        }
        try {
            ModelNames.check(model);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--model: " + e.getMessage());
        }
    }
}
