package io.satstream.training;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.satstream.inference.Evaluation;
import io.satstream.inference.InputSpec;
import io.satstream.inference.MaskDecoder;
import io.satstream.inference.OnnxRuntimeInference;
import io.satstream.inference.RuntimeOptions;
import io.satstream.training.engine.TrainingEngine;
import io.satstream.training.internal.CropSampler;
import io.satstream.training.internal.MaskedCrossEntropy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Supervised training of a {@link SegmentationNet} with DJL (PyTorch engine, CPU): random crops, masked per-pixel
 * cross-entropy, Adam. After training the model is exported to ONNX and evaluated through ONNX Runtime, i.e. the
 * metrics describe the artifact that will serve. Nothing is trained on an engine whose numerical self-check failed
 * ({@link TrainingEngine#requireHealthy()}).
 */
public final class SupervisedTrainer {

    /** Held-out samples evaluated after training. */
    public static final int EVAL_SAMPLES = 16;
    /** {@code train_loss} is the mean over this many final steps. */
    static final int LOSS_WINDOW = 20;
    /** Mixed into the seed for held-out draws so they differ from the training draws. */
    private static final long EVAL_SEED_SALT = 0x9E3779B97F4A7C15L;
    /** Multiplied by the steps done before a resumed call and mixed into its seed, so it does not redraw their crops. */
    private static final long RESUME_SEED_SALT = 0xC2B2AE3D27D4EB4FL;

    /** Called after every step; runs on the training thread. */
    @FunctionalInterface
    public interface Progress {
        void onStep(int step, int steps, float loss);
    }

    private final Supplier<TrainingEngine> engine;

    /** Trains on this JVM's {@link TrainingEngine#shared() shared engine}, started on the first {@code train}. */
    public SupervisedTrainer() {
        this.engine = TrainingEngine::shared;
    }

    public SupervisedTrainer(TrainingEngine engine) {
        Objects.requireNonNull(engine, "engine");
        this.engine = () -> engine;
    }

    public TrainedModel train(SegmentationNet.Config cfg, InputSpec spec, LabeledSampleSource source,
            TrainingOptions opts) {
        return train(cfg, spec, source, opts, (step, steps, loss) -> { });
    }

    public TrainedModel train(SegmentationNet.Config cfg, InputSpec spec, LabeledSampleSource source,
            TrainingOptions opts, Progress progress) {
        return train(cfg, spec, source, opts, progress, null);
    }

    /**
     * Trains starting from the weights of {@code parentOnnx} (a version of the store; {@link WarmStart} says what
     * carries over) instead of random ones; {@code null} trains from scratch. The metrics gain
     * {@code warm_start_parameters}, how many parameters came from the parent.
     */
    public TrainedModel train(SegmentationNet.Config cfg, InputSpec spec, LabeledSampleSource source,
            TrainingOptions opts, Progress progress, byte[] parentOnnx) {
        return train(cfg, spec, source, opts, progress, parentOnnx, TrainingRun.whole());
    }

    /**
     * Trains as {@link #train(SegmentationNet.Config, InputSpec, LabeledSampleSource, TrainingOptions, Progress,
     * byte[])} does, as part of {@code run}: from step {@code run.stepsDone()} (then {@code parentOnnx} is the
     * checkpoint of the steps before, and the metrics gain {@code resumed_after_steps}), handing the weights to its
     * checkpoint on the way, and measured by its held-out evaluation. Adam's moment estimates are not part of a
     * checkpoint: a resumed call starts them afresh.
     */
    public TrainedModel train(SegmentationNet.Config cfg, InputSpec spec, LabeledSampleSource source,
            TrainingOptions opts, Progress progress, byte[] parentOnnx, TrainingRun run) {
        Objects.requireNonNull(cfg, "cfg");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(opts, "opts");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(run, "run");
        if (run.stepsDone() >= opts.steps()) {
            throw new IllegalArgumentException("the run has done " + run.stepsDone() + " of its " + opts.steps()
                    + " steps already: nothing left to train");
        }
        if (run.stepsDone() > 0 && parentOnnx == null) {
            throw new IllegalArgumentException("a run resumed after " + run.stepsDone()
                    + " steps needs the weights of those steps (its checkpoint) as the parent");
        }
        if (cfg.inChannels() != spec.channels()) {
            throw new IllegalArgumentException("network has " + cfg.inChannels() + " input channels but the input spec has "
                    + spec.channels() + " bands " + spec.bands());
        }
        SegmentationNet net = new SegmentationNet(cfg);
        int crop = opts.cropSize();
        net.checkInputSize(crop, crop);

        TrainingEngine trainingEngine = engine.get();
        // Refuse before the first step: a wrong kernel would otherwise surface as NaN minutes later, or not at all.
        trainingEngine.requireHealthy();
        trainingEngine.setRandomSeed((int) opts.seed());
        Model model = trainingEngine.newModel("satstream-unet");
        try {
            model.setBlock(net.newBlock());
            long started = System.nanoTime();
            WarmStart.Report[] warm = new WarmStart.Report[1];
            float[] losses = runSteps(model, net, spec, source, opts, progress,
                    parentOnnx == null ? null : block -> warm[0] = WarmStart.apply(net, block, parentOnnx), run);
            double seconds = (System.nanoTime() - started) / 1e9;
            // Inference after training needs no autograd bookkeeping on the weights.
            for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                p.getValue().getArray().setRequiresGradient(false);
            }
            byte[] onnx = OnnxExporter.export(net, model.getBlock());
            Evaluation eval = run.heldOut() != null ? run.heldOut().evaluate(onnx)
                    : evaluate(onnx, spec, cfg.numClasses(), source, opts);

            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("train_loss", meanOfLast(losses, LOSS_WINDOW));
            metrics.put("train_loss_first", firstLoss(losses));
            metrics.put("miou", eval.miou());
            metrics.put("pixel_accuracy", eval.pixelAccuracy());
            metrics.put("eval_pixels", (double) eval.pixels());
            metrics.put("steps", (double) opts.steps());
            metrics.put("skipped_steps", (double) skipped(losses));
            metrics.put("train_seconds", seconds);
            metrics.put("steps_per_second", losses.length / seconds);
            if (run.stepsDone() > 0) {
                metrics.put("resumed_after_steps", (double) run.stepsDone());
            }
            if (warm[0] != null) {
                metrics.put("warm_start_parameters", (double) warm[0].fromParent());
            }
            return new TrainedModel(net, spec, model, onnx, metrics, eval);
        } catch (RuntimeException | Error e) {
            model.close();
            throw e;
        }
    }

    private static float[] runSteps(Model model, SegmentationNet net, InputSpec spec, LabeledSampleSource source,
            TrainingOptions opts, Progress progress, Consumer<Block> warmStart, TrainingRun run) {
        int b = opts.batchSize();
        int c = spec.channels();
        int s = opts.cropSize();
        Shape xShape = new Shape(b, c, s, s);
        Shape yShape = new Shape(b, 1, s, s);
        float[] x = new float[b * c * s * s];
        long[] labels = new long[b * s * s];
        float[] valid = new float[b * s * s];
        CropSampler sampler = new CropSampler(spec, net.config().numClasses(), s);
        int first = run.stepsDone();
        Random rnd = new Random(first == 0 ? opts.seed() : opts.seed() ^ (first * RESUME_SEED_SALT));
        // losses[i] is step first + i + 1 of the run
        float[] losses = new float[opts.steps() - first];

        DefaultTrainingConfig config = new DefaultTrainingConfig(new MaskedCrossEntropy())
                .optOptimizer(Adam.builder().optLearningRateTracker(Tracker.fixed(opts.learningRate())).build())
                .optDevices(new Device[] {Device.cpu()});
        try (Trainer trainer = model.newTrainer(config)) {
            trainer.initialize(xShape);
            if (warmStart != null) {
                warmStart.accept(model.getBlock());
            }
            for (int i = 0; i < losses.length; i++) {
                int step = first + i;
                boolean labelled = false;
                for (int slot = 0; slot < b; slot++) {
                    sampler.fillRandom(source.next(rnd), rnd, slot, x, labels, valid);
                }
                for (float v : valid) {
                    if (v != 0f) {
                        labelled = true;
                        break;
                    }
                }
                if (!labelled) {
                    // Nothing to learn from (all pixels ignored); DJL would also refuse a step with zero gradients.
                    losses[i] = Float.NaN;
                    progress.onStep(step + 1, opts.steps(), Float.NaN);
                    checkpoint(run, step + 1, opts.steps(), net, model);
                    continue;
                }
                // Every array of a step lives in a sub-manager closed at the end of the step; attaching them to the
                // model's manager would keep each step's activations alive (STACK.md, DJL memory-leak pitfall).
                try (NDManager stepManager = model.getNDManager().newSubManager()) {
                    NDArray xa = stepManager.create(x, xShape);
                    NDArray ya = stepManager.create(labels, yShape);
                    NDArray va = stepManager.create(valid, yShape);
                    try (GradientCollector gc = trainer.newGradientCollector()) {
                        NDList pred = trainer.forward(new NDList(xa));
                        NDArray loss = trainer.getLoss().evaluate(new NDList(ya, va), pred);
                        gc.backward(loss);
                        losses[i] = loss.getFloat();
                    }
                    trainer.step();
                }
                if (!Float.isFinite(losses[i])) {
                    throw new IllegalStateException("training diverged at step " + (step + 1) + ": loss "
                            + losses[i] + " (try a lower learning rate than " + opts.learningRate() + ")");
                }
                progress.onStep(step + 1, opts.steps(), losses[i]);
                checkpoint(run, step + 1, opts.steps(), net, model);
            }
        }
        if (skipped(losses) == losses.length) {
            throw new IllegalStateException("no labelled pixel in any of the " + losses.length
                    + " training batches: every label was " + Evaluation.IGNORE + " (ignore)");
        }
        return losses;
    }

    /** Hands the weights to the run's checkpoint when {@code done} is a checkpoint step short of the last. */
    private static void checkpoint(TrainingRun run, int done, int steps, SegmentationNet net, Model model) {
        if (run.checkpointEvery() > 0 && done % run.checkpointEvery() == 0 && done < steps) {
            run.checkpoint().save(done, OnnxExporter.export(net, model.getBlock()));
        }
    }

    /** Centre crops of held-out samples, drawn with a different seed, run through the exported ONNX model. */
    private static Evaluation evaluate(byte[] onnx, InputSpec spec, int numClasses, LabeledSampleSource source,
            TrainingOptions opts) {
        int s = opts.cropSize();
        int c = spec.channels();
        float[] x = new float[c * s * s];
        long[] labels = new long[s * s];
        float[] valid = new float[s * s];
        byte[] truth = new byte[s * s];
        CropSampler sampler = new CropSampler(spec, numClasses, s);
        Random rnd = new Random(opts.seed() ^ EVAL_SEED_SALT);
        Evaluation eval = new Evaluation(numClasses);
        try (OnnxRuntimeInference runtime = new OnnxRuntimeInference(onnx, RuntimeOptions.defaults())) {
            for (int i = 0; i < EVAL_SAMPLES; i++) {
                LabeledSample sample = source.next(rnd);
                sampler.fill(sample, Math.max(0, (sample.width() - s) / 2), Math.max(0, (sample.height() - s) / 2),
                        0, x, labels, valid);
                for (int p = 0; p < truth.length; p++) {
                    truth[p] = valid[p] == 0f ? (byte) Evaluation.IGNORE : (byte) labels[p];
                }
                float[] logits = runtime.infer(x, 1, c, s, s);
                eval.add(MaskDecoder.decode(logits, 0, numClasses, s, s).mask(), truth);
            }
        }
        return eval;
    }

    /** Mean of the last {@code window} steps that had labelled pixels (skipped steps hold NaN). */
    private static double meanOfLast(float[] losses, int window) {
        double sum = 0;
        int n = 0;
        for (int i = losses.length - 1; i >= 0 && n < window; i--) {
            if (!Float.isNaN(losses[i])) {
                sum += losses[i];
                n++;
            }
        }
        return sum / n;
    }

    private static double firstLoss(float[] losses) {
        for (float l : losses) {
            if (!Float.isNaN(l)) {
                return l;
            }
        }
        return Double.NaN;
    }

    private static int skipped(float[] losses) {
        int n = 0;
        for (float l : losses) {
            if (Float.isNaN(l)) {
                n++;
            }
        }
        return n;
    }
}
