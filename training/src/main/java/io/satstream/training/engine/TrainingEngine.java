package io.satstream.training.engine;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.satstream.training.engine.internal.EngineSelfCheck;
import io.satstream.training.engine.internal.KernelRunner;
import io.satstream.training.engine.internal.OneDnnIsaGuard;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DJL engine that trains our networks (PyTorch; models on the CPU, data arrays on {@link #device()}), and the
 * only way satstream code obtains it: whatever process trains — the {@code satstream} command, a test fork, a Flink
 * TaskManager — gets the same start.
 *
 * <p>Starting it, once per JVM: decide whether oneDNN must be limited on this CPU and put the limit into the
 * environment before the first kernel ({@code OneDnnIsaGuard}); load the engine; run the numerical self-check
 * (convolutions, transposed convolution, batch norm and a matrix product, forward and backward, against plain-Java
 * references; about a second on two cores). Training only starts on an engine whose check passed; otherwise it refuses
 * with one line naming the CPU and the remedy, instead of diverging minutes later.
 */
public final class TrainingEngine {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingEngine.class);
    public static final String ENGINE_NAME = "PyTorch";

    private static TrainingEngine shared;

    private final Engine engine;
    private final EngineCheckReport report;
    private final Device device;

    TrainingEngine(Engine engine, EngineCheckReport report) {
        this.engine = engine;
        this.report = Objects.requireNonNull(report, "report");
        this.device = engine != null && engine.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }

    /** This JVM's training engine, started and checked on first use. Never throws; see {@link #requireHealthy()}. */
    public static synchronized TrainingEngine shared() {
        if (shared == null) {
            shared = start(CpuInfo.current(), System.getenv());
            // INFO either way: a failed check reaches the user through the refusal (or doctor's line), once.
            LOG.info("training engine: {}", shared.report.summary());
        }
        return shared;
    }

    static TrainingEngine start(CpuInfo cpu, Map<String, String> environment) {
        IsaLimit limit = OneDnnIsaGuard.apply(OneDnnIsaGuard.decide(cpu, environment));
        long t0 = System.nanoTime();
        Engine engine;
        try {
            engine = Engine.getEngine(ENGINE_NAME);
        } catch (RuntimeException | LinkageError e) {
            return new TrainingEngine(null, new EngineCheckReport(ENGINE_NAME, cpu, limit, List.of(),
                    String.valueOf(e), Duration.ofNanos(System.nanoTime() - t0)));
        }
        String name = ENGINE_NAME + " " + engine.getVersion();
        try (NDManager manager = engine.newBaseManager(Device.cpu())) {
            return new TrainingEngine(engine, EngineSelfCheck.run(name, cpu, limit, EngineSelfCheck.standardProbes(),
                    KernelRunner.on(manager)));
        }
    }

    /**
     * An engine that refuses to train with the verdict of {@code failed}: what every trainer does on a CPU whose
     * check failed, on any CPU (tests feed it a report made from a wrong kernel result).
     */
    public static TrainingEngine refusing(EngineCheckReport failed) {
        if (failed.passed()) {
            throw new IllegalArgumentException("the report passed; a refusing engine needs a failed one");
        }
        return new TrainingEngine(null, failed);
    }

    public EngineCheckReport report() {
        return report;
    }

    /**
     * The standard check run again on this engine, each kernel result passing through {@code results} first: how
     * tests show that a wrong result is refused. Changes nothing about this engine.
     */
    public EngineCheckReport recheck(UnaryOperator<KernelRunner> results) {
        requireHealthy();
        // On the CPU, where the start-up check ran, so that the two reports compare the same kernels.
        try (NDManager manager = engine.newBaseManager(Device.cpu())) {
            return EngineSelfCheck.run(report.engine(), report.cpu(), report.isaLimit(),
                    EngineSelfCheck.standardProbes(), results.apply(KernelRunner.on(manager)));
        }
    }

    /** Throws {@link TrainingEngineException} (one line: the CPU, what was wrong, the remedy) unless the check passed. */
    public void requireHealthy() {
        if (!report.passed()) {
            throw new TrainingEngineException(report.refusal());
        }
    }

    /** A new model on this engine (CPU), after {@link #requireHealthy()}. */
    public Model newModel(String name) {
        requireHealthy();
        return Model.newInstance(name, Device.cpu(), ENGINE_NAME);
    }

    /**
     * Where this engine's arrays live: the first GPU when the engine sees one, otherwise the CPU. Models stay on the
     * CPU ({@link #newModel}); arrays that only hold data, such as a replay buffer's tiles, go here.
     */
    public Device device() {
        return device;
    }

    /**
     * A new array manager on this engine's {@link #device()}, after {@link #requireHealthy()}; close it to free its
     * arrays.
     */
    public NDManager newManager() {
        requireHealthy();
        return engine.newBaseManager(device);
    }

    /** Seeds the engine's random number generator (weight initialisation), after {@link #requireHealthy()}. */
    public void setRandomSeed(int seed) {
        requireHealthy();
        engine.setRandomSeed(seed);
    }
}
