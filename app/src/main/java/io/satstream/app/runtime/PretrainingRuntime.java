package io.satstream.app.runtime;

import io.satstream.inference.InputSpec;
import io.satstream.jobs.pretrain.AdmittedTile;
import io.satstream.jobs.pretrain.LocalHandoff;
import io.satstream.jobs.pretrain.LocalHandoffSink;
import io.satstream.jobs.pretrain.PretrainJob;
import io.satstream.jobs.pretrain.TileAdmission;
import io.satstream.modelstore.ModelStore;
import io.satstream.modelstore.events.ModelEventPublisher;
import io.satstream.schemas.InputLimits;
import io.satstream.training.LabeledSampleSource;
import io.satstream.training.buffer.BufferEntry;
import io.satstream.training.buffer.BufferOptions;
import io.satstream.training.buffer.BufferStats;
import io.satstream.training.buffer.PretrainingBuffer;
import io.satstream.training.engine.TrainingEngine;
import io.satstream.training.pretext.PretextObjective;
import io.satstream.training.pretrain.ContinuousTrainer;
import io.satstream.training.pretrain.ContinuousTrainerOptions;
import io.satstream.training.pretrain.HeldOutSet;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.flink.core.execution.JobClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous pretraining beside a running segmentation job, as {@code demo} and {@code job pretrain} run it: the
 * pretraining buffer, the {@link PretrainJob} on the embedded Flink cluster handing admitted tiles to that buffer,
 * and the {@link ContinuousTrainer} on a thread of its own publishing CANDIDATE and PROMOTED events to
 * {@code model-events}, which the segmentation job follows.
 */
public final class PretrainingRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PretrainingRuntime.class);

    /** What to run. */
    public record Settings(String bootstrap, String tilesTopic, String modelEventsTopic, String groupId,
            Path storeRoot, PretextObjective objective, InputSpec spec, List<String> classNames,
            LabeledSampleSource fineTunePool, HeldOutSet heldOut, BufferOptions buffer,
            ContinuousTrainerOptions trainer, TileAdmission.Thresholds admission, Path checkpointDir,
            String publisher) {
        public Settings {
            Objects.requireNonNull(bootstrap, "bootstrap");
            Objects.requireNonNull(objective, "objective");
            Objects.requireNonNull(checkpointDir, "checkpointDir");
        }
    }

    /** A snapshot for progress lines: the trainer's and the buffer's. */
    public record Status(ContinuousTrainer.Stats trainer, BufferStats buffer) {}

    private final PretrainingBuffer buffer;
    private final LocalHandoff.Registration handoff;
    private final JobClient job;
    private final EmbeddedFlink flink;
    private final ModelEventPublisher events;
    private final Thread thread;
    private final AtomicReference<ContinuousTrainer.Stats> stats = new AtomicReference<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile boolean stopping;

    private PretrainingRuntime(EmbeddedFlink flink, Settings s) throws Exception {
        this.flink = flink;
        buffer = new PretrainingBuffer(s.buffer());
        String name = "pretrain-" + UUID.randomUUID();
        handoff = LocalHandoff.register(name, tile -> buffer.offer(entry(tile)), gauges());
        events = ModelEventPublisher.connect(s.bootstrap(), s.modelEventsTopic(), Duration.ofSeconds(30));
        PretrainJob.Config cfg = new PretrainJob.Config(s.bootstrap(), s.tilesTopic(), s.groupId(), s.admission(),
                InputLimits.defaults(), 1, Duration.ofSeconds(2));
        job = flink.submit(PretrainJob.JOB_NAME, env -> PretrainJob.build(env, cfg, new LocalHandoffSink(name)));
        thread = new Thread(() -> run(s), "continuous-trainer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts the buffer, the pretraining job on {@code flink} and the trainer; returns once the trainer has begun. */
    public static PretrainingRuntime start(EmbeddedFlink flink, Settings settings) throws Exception {
        PretrainingRuntime runtime = new PretrainingRuntime(flink, settings);
        runtime.started.await();
        Throwable failed = runtime.failure.get();
        if (failed != null) {
            runtime.close();
            throw new IllegalStateException("the continuous trainer did not start: " + failed.getMessage(), failed);
        }
        return runtime;
    }

    /** The trainer's loop; the trainer and the buffer's consumer side live on this thread only. */
    private void run(Settings s) {
        ContinuousTrainer trainer;
        try {
            trainer = new ContinuousTrainer(TrainingEngine.shared(), buffer, ModelStore.open(s.storeRoot()),
                    s.objective(), s.spec(), s.classNames(), s.fineTunePool(), s.heldOut(), events::publish,
                    s.trainer(), s.checkpointDir(), Clock.systemUTC(), s.publisher());
        } catch (RuntimeException | Error e) {
            failure.set(e);
            started.countDown();
            return;
        }
        stats.set(trainer.stats());
        started.countDown();
        try (trainer) {
            while (!stopping) {
                trainer.step();
                stats.set(trainer.stats());
            }
        } catch (RuntimeException | Error e) {
            LOG.error("the continuous trainer stopped", e);
            failure.set(e);
        }
    }

    /**
     * The buffer's and the trainer's state as Flink gauges of the pretraining job's sink (Prometheus:
     * {@code flink_taskmanager_job_task_operator_<name>}).
     */
    private Map<String, Supplier<Number>> gauges() {
        Map<String, Supplier<Number>> g = new LinkedHashMap<>();
        g.put("bufferCapacity", () -> buffer.stats().capacity());
        g.put("bufferFill", () -> buffer.stats().fill());
        g.put("bufferAdmitted", () -> buffer.stats().admitted());
        g.put("bufferReplaced", () -> buffer.stats().replaced());
        g.put("bufferRefused", () -> buffer.stats().refusedTotal());
        g.put("bufferSampleAgeMs", () -> buffer.stats().lastBatchMeanAgeMs());
        g.put("bufferLabelledFraction", () -> buffer.stats().labelledFraction());
        g.put("trainerStarved", () -> buffer.stats().starvedSamples());
        g.put("trainerSteps", () -> trainerStat(ContinuousTrainer.Stats::steps));
        g.put("trainerLoss", () -> trainerStat(ContinuousTrainer.Stats::lastLoss));
        g.put("candidates", () -> trainerStat(ContinuousTrainer.Stats::candidates));
        g.put("promotions", () -> trainerStat(ContinuousTrainer.Stats::promotions));
        g.put("newestCandidateMiou", () -> trainerStat(s -> s.newest() == null ? Double.NaN : s.newest().miou()));
        return g;
    }

    private Number trainerStat(Function<ContinuousTrainer.Stats, Number> stat) {
        ContinuousTrainer.Stats s = stats.get();
        return s == null ? 0 : stat.apply(s);
    }

    private static BufferEntry entry(AdmittedTile t) {
        return new BufferEntry(t.tileId, t.partition, t.offset, t.width, t.height, t.bands, t.pixels, t.labels);
    }

    public Status status() {
        return new Status(stats.get(), buffer.stats());
    }

    /** Why the trainer stopped, if it did. */
    public Throwable failure() {
        return failure.get();
    }

    public JobClient job() {
        return job;
    }

    /** Stops the trainer (after its current step or candidate), the pretraining job and the buffer. */
    @Override
    public void close() throws Exception {
        stopping = true;
        try {
            thread.join(TimeUnit.MINUTES.toMillis(5));
        } finally {
            flink.cancel(job, Duration.ofSeconds(30));
            handoff.close();
            events.close();
            if (!thread.isAlive()) {
                buffer.close();
            }
        }
    }
}
