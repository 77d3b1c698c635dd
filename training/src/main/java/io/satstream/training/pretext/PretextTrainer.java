package io.satstream.training.pretext;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import io.satstream.training.OnnxExporter;
import io.satstream.training.SegmentationNet;
import io.satstream.training.WarmStart;
import io.satstream.training.engine.TrainingEngine;
import io.satstream.training.internal.ResumableAdam;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Steps one {@link PretextObjective} on batches: its network (fresh, or warm-started from a parent version), Adam
 * with a fixed learning rate, a loss that must stay finite. Batches come from the caller (the pretraining buffer in
 * the stream, a dataset in the benchmark), so the same stepping serves both. {@link #checkpoint} saves weights,
 * optimizer state and step count; {@link #resume} continues from them as if never stopped. One thread at a time.
 */
public final class PretextTrainer implements AutoCloseable {

    private final PretextObjective objective;
    private final SegmentationNet net;
    private final Model model;
    private final Trainer trainer;
    private final ResumableAdam optimizer;
    private final float learningRate;
    private final WarmStart.Report warmStart;
    private long steps;
    private float lastLoss = Float.NaN;

    /**
     * @param config the network, from {@link PretextObjective#network}
     * @param parentOnnx a version to start from ({@link WarmStart}), or null for random weights
     */
    public PretextTrainer(TrainingEngine engine, PretextObjective objective, SegmentationNet.Config config,
            float learningRate, int seed, byte[] parentOnnx) {
        Objects.requireNonNull(engine, "engine");
        this.objective = Objects.requireNonNull(objective, "objective");
        this.net = new SegmentationNet(Objects.requireNonNull(config, "config"));
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be positive and finite: " + learningRate);
        }
        engine.requireHealthy();
        engine.setRandomSeed(seed);
        this.learningRate = learningRate;
        this.optimizer = new ResumableAdam(learningRate);
        model = engine.newModel("satstream-" + objective.name());
        try {
            model.setBlock(net.newBlock());
            DefaultTrainingConfig cfg = new DefaultTrainingConfig(new ObjectiveLoss(objective))
                    .optOptimizer(optimizer)
                    .optDevices(new Device[] {Device.cpu()});
            trainer = model.newTrainer(cfg);
            int m = net.sizeMultiple();
            trainer.initialize(new Shape(1, config.inChannels(), m, m));
            warmStart = parentOnnx == null ? null : WarmStart.apply(net, model.getBlock(), parentOnnx);
        } catch (RuntimeException | Error e) {
            model.close();
            throw e;
        }
    }

    public PretextObjective objective() {
        return objective;
    }

    public SegmentationNet net() {
        return net;
    }

    /** What the warm start carried over, or null when the network started from random weights. */
    public WarmStart.Report warmStart() {
        return warmStart;
    }

    public long steps() {
        return steps;
    }

    public float learningRate() {
        return learningRate;
    }

    /**
     * Saves weights, optimizer state and step count (plus {@code extra}, the caller's own counters) as a new
     * checkpoint under {@code dir}; see {@link TrainingCheckpoint}.
     */
    public Path checkpoint(Path dir, Map<String, Object> extra) {
        Map<String, Parameter> byName = parametersByName();
        Map<String, TrainingCheckpoint.Moments> moments = new LinkedHashMap<>();
        byName.forEach((name, p) -> {
            ResumableAdam.State s = optimizer.state(p.getId());
            if (s != null) {
                moments.put(name, new TrainingCheckpoint.Moments(s.updates(), s.mean().toFloatArray(),
                        s.variance().toFloatArray()));
            }
        });
        return TrainingCheckpoint.write(dir, new TrainingCheckpoint(objective.name(), net.config(), learningRate,
                steps, exportOnnx(), moments, extra));
    }

    /**
     * A trainer that continues the latest checkpoint under {@code dir}: the same network, weights, Adam moments and
     * step count. The objective must be the one that wrote it.
     */
    public static PretextTrainer resume(TrainingEngine engine, PretextObjective objective, Path dir) {
        return resume(engine, objective, TrainingCheckpoint.readLatest(dir), dir);
    }

    /**
     * A trainer that continues {@code cp}, already read from {@code dir} (named in errors); the objective must be
     * the one that wrote it.
     */
    public static PretextTrainer resume(TrainingEngine engine, PretextObjective objective, TrainingCheckpoint cp,
            Path dir) {
        if (!cp.objective().equals(objective.name())) {
            throw new IllegalArgumentException("the checkpoint in " + dir + " is of objective '" + cp.objective()
                    + "', not '" + objective.name() + "'");
        }
        PretextTrainer trainer = new PretextTrainer(engine, objective, cp.network(), cp.learningRate(), 0,
                cp.weights());
        try {
            Map<String, Parameter> byName = trainer.parametersByName();
            cp.moments().forEach((name, m) -> {
                Parameter p = byName.get(name);
                if (p == null) {
                    throw new IllegalArgumentException("the checkpoint has optimizer state for '" + name
                            + "', which the network does not have");
                }
                NDArray w = p.getArray();
                trainer.optimizer.restore(p.getId(), new ResumableAdam.State(m.updates(),
                        w.getManager().create(m.mean(), w.getShape()), w.getManager().create(m.variance(),
                        w.getShape())));
            });
            trainer.steps = cp.steps();
            return trainer;
        } catch (RuntimeException e) {
            trainer.close();
            throw e;
        }
    }

    private Map<String, Parameter> parametersByName() {
        return net.parametersByName(model.getBlock());
    }

    /** The loss of the latest step (NaN before the first). */
    public float lastLoss() {
        return lastLoss;
    }

    /** One forward, backward and Adam update on {@code batch}; returns its loss. */
    public float step(PretextBatch batch) {
        Objects.requireNonNull(batch, "batch");
        if (batch.channels() != net.config().inChannels()) {
            throw new IllegalArgumentException("the batch has " + batch.channels() + " channels, the " + objective.name()
                    + " network takes " + net.config().inChannels());
        }
        net.checkInputSize(batch.size(), batch.size());
        float loss;
        // Every array of a step lives in a sub-manager closed with the step (STACK.md, DJL memory pitfall).
        try (NDManager step = model.getNDManager().newSubManager()) {
            Shape pixels = new Shape(batch.n(), 1, batch.size(), batch.size());
            NDArray x = step.create(batch.input(), new Shape(batch.n(), batch.channels(), batch.size(), batch.size()));
            NDArray target = step.create(batch.target(), pixels);
            NDArray weight = step.create(batch.weight(), pixels);
            try (GradientCollector gc = trainer.newGradientCollector()) {
                NDList out = trainer.forward(new NDList(x));
                NDArray l = trainer.getLoss().evaluate(new NDList(target, weight), out);
                gc.backward(l);
                loss = l.getFloat();
            }
            if (!Float.isFinite(loss)) {
                throw new IllegalStateException(objective.name() + " training diverged at step " + (steps + 1)
                        + ": loss " + loss);
            }
            trainer.step();
        }
        steps++;
        lastLoss = loss;
        return loss;
    }

    /** The network's current weights as ONNX (the objective's own network: for SOP, 2 x bands in, 2 classes out). */
    public byte[] exportOnnx() {
        return OnnxExporter.export(net, model.getBlock());
    }

    @Override
    public void close() {
        try {
            trainer.close();
        } finally {
            model.close();
        }
    }

    /** DJL's trainer wants a {@link Loss}; this one asks the objective. */
    private static final class ObjectiveLoss extends Loss {
        private final PretextObjective objective;

        ObjectiveLoss(PretextObjective objective) {
            super(objective.name() + "_loss");
            this.objective = objective;
        }

        @Override
        public NDArray evaluate(NDList labels, NDList predictions) {
            return objective.loss(predictions.singletonOrThrow(), labels.get(0), labels.get(1));
        }
    }
}
