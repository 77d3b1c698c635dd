package io.satstream.training.dataset;

import io.satstream.inference.Evaluation;
import io.satstream.modelstore.InputSpecJson;
import io.satstream.modelstore.ManifestDraft;
import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelStore;
import io.satstream.training.LabeledSample;
import io.satstream.training.SupervisedTrainer;
import io.satstream.training.TrainedManifests;
import io.satstream.training.TrainedModel;
import io.satstream.training.TrainingOptions;
import io.satstream.training.TrainingRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Fine-tunes a model on a labelled dataset and registers the result as a candidate version (never serving): reads
 * the training split (at the label fraction) and the validation split, resolves the start ({@link FineTuneStart}),
 * trains with {@link SupervisedTrainer} on random crops of the training images, checkpointing on the way
 * ({@link FineTuneCheckpoints}), measures the exported ONNX model through ONNX Runtime on the whole validation images
 * ({@link WholeImageEvaluator}) and registers it with objective {@value #OBJECTIVE}.
 */
public final class DatasetFineTuning {

    public static final String OBJECTIVE = "finetune";
    /** Manifest {@code network} key: the version the weights started from, or {@code scratch}. */
    public static final String WARM_START_FROM = "warmStartFrom";
    /** Metric key prefix of per-class IoU on the validation split: {@code iou.Building}. */
    public static final String IOU_PREFIX = "iou.";

    /** What a fine-tune reports while it runs; every method runs on the calling thread. */
    public interface Listener {
        /** The plan, before the first step. */
        void onPlan(Plan plan);

        void onStep(int step, int steps, float loss);

        void onCheckpoint(int step, Path dir);

        /** Validation images measured so far. */
        void onEvaluation(int done, int total);
    }

    /**
     * What will be trained.
     *
     * @param trainingPairs pairs trained on (the label-fraction subset of the training split)
     * @param trainingSplitSize pairs in the whole training split
     * @param resumedAfter steps done before by the checkpoint this run continues, 0 for a fresh run
     * @param replacedCheckpoint steps of a checkpoint of the same settings that this fresh run replaces, 0 if none
     */
    public record Plan(LabelledDataset dataset, List<LabelledPair> trainingPairs, int trainingSplitSize,
            List<LabelledPair> validationPairs, FineTuneStart start, String runId, Path checkpointDir,
            int resumedAfter, int replacedCheckpoint, TrainingOptions training) {
    }

    /** The registered version and how it scored on the validation split. */
    public record Outcome(Plan plan, ModelManifest registered, Evaluation validation, double trainSeconds) {
    }

    private final ModelStore store;
    private final FineTuneCheckpoints checkpoints;
    private final SupervisedTrainer trainer;

    public DatasetFineTuning(ModelStore store, FineTuneCheckpoints checkpoints, SupervisedTrainer trainer) {
        this.store = Objects.requireNonNull(store, "store");
        this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
        this.trainer = Objects.requireNonNull(trainer, "trainer");
    }

    public Outcome run(FineTuneRequest request, Listener listener) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(listener, "listener");
        LabelledDataset dataset = LabelledDataset.open(request.dataset(), request.classFile());
        TrainingOptions opts = request.training();
        List<LabelledPair> trainPairs = dataset.training(request.labelFraction());
        List<LabelledPair> validationPairs = dataset.split(Split.VALIDATION);
        List<LabelledPair> all = new ArrayList<>(trainPairs);
        all.addAll(validationPairs);
        // one read of both splits, so a band mismatch anywhere is found before training
        List<LabelledImage> images = dataset.read(all);
        List<LabelledImage> train = images.subList(0, trainPairs.size());
        List<LabelledImage> validation = images.subList(trainPairs.size(), images.size());
        checkCrop(train, opts.cropSize());

        List<String> bands = images.get(0).bands();
        FineTuneStart start = FineTuneStart.resolve(store, request.start(), bands, dataset.classes().names(),
                opts.cropSize());
        Map<String, String> settings = settings(request, dataset, start);
        String runId = FineTuneCheckpoints.runId(settings);
        var saved = checkpoints.state(runId);
        int resumedAfter = 0;
        byte[] initial = start.parentOnnx();
        if (request.resume()) {
            var state = saved.orElseThrow(() -> new DatasetException("no checkpoint of a run with these settings"
                    + " (run " + runId + ") in " + checkpoints.root() + "; runs there: "
                    + (checkpoints.runs().isEmpty() ? "none" : String.join(", ", checkpoints.runs()))
                    + "; resume takes exactly the settings of the interrupted run"));
            if (state.registered() != null) {
                throw new DatasetException("run " + runId + " finished already and registered " + state.registered()
                        + "; nothing to resume");
            }
            resumedAfter = state.stepsDone();
            initial = checkpoints.weights(runId);
        }
        int replaced = !request.resume() && saved.isPresent() && saved.get().registered() == null
                ? saved.get().stepsDone() : 0;
        Plan plan = new Plan(dataset, trainPairs, dataset.split(Split.TRAINING).size(), validationPairs, start, runId,
                checkpoints.dir(runId), resumedAfter, replaced, opts);
        listener.onPlan(plan);

        List<LabeledSample> validationSamples =
                validation.stream().map(LabelledImage::sample).toList();
        int numClasses = dataset.classes().size();
        TrainingRun run = TrainingRun.whole().measuredBy(onnx -> WholeImageEvaluator.evaluate(onnx, start.spec(),
                numClasses, validationSamples, listener::onEvaluation));
        if (request.checkpointEvery() > 0) {
            run = run.checkpointing(request.checkpointEvery(), (done, onnx) -> {
                checkpoints.save(runId, settings, done, opts.steps(), onnx);
                listener.onCheckpoint(done, checkpoints.dir(runId));
            });
        }
        if (resumedAfter > 0) {
            run = run.resumedAfter(resumedAfter);
        }
        try (TrainedModel trained = trainer.train(start.config(), start.spec(), ImageSamples.of(train), opts,
                listener::onStep, initial, run)) {
            Map<String, Double> metrics = new LinkedHashMap<>(trained.metrics());
            if (resumedAfter > 0) {
                // the checkpoint's parameters, not the parent's, started this call
                metrics.remove("warm_start_parameters");
            }
            metrics.put("label_fraction", request.labelFraction());
            metrics.put("training_pairs", (double) trainPairs.size());
            metrics.put("validation_pairs", (double) validationPairs.size());
            double[] iou = trained.evaluation().iouPerClass();
            for (int c = 0; c < iou.length; c++) {
                if (!Double.isNaN(iou[c])) {
                    // JSON has no NaN: a class absent from truth and prediction has no IoU and no entry
                    metrics.put(IOU_PREFIX + dataset.classes().names().get(c), iou[c]);
                }
            }
            Map<String, Object> network = new LinkedHashMap<>(TrainedManifests.network(start.config()));
            network.put("sizeMultiple", trained.net().sizeMultiple());
            network.put(WARM_START_FROM, start.parentRef());
            Integer parent = start.parent() != null && start.parent().name().equals(request.modelName())
                    ? start.parent().version() : null;
            ManifestDraft draft = new ManifestDraft(parent, OBJECTIVE, InputSpecJson.of(start.spec()),
                    dataset.classes().names(), metrics, network);
            ModelManifest registered = store.register(request.modelName(), trained.onnx(), draft);
            if (request.checkpointEvery() > 0 || saved.isPresent()) {
                checkpoints.finish(runId, settings, opts.steps(), registered.ref());
            }
            return new Outcome(plan, registered, trained.evaluation(), metrics.getOrDefault("train_seconds", 0.0));
        }
    }

    /** Every training image must hold a whole crop: the trainer cuts crops inside images, never past their edge. */
    private static void checkCrop(List<LabelledImage> train, int crop) {
        for (LabelledImage img : train) {
            LabeledSample s = img.sample();
            if (s.width() < crop || s.height() < crop) {
                int most = Math.min(s.width(), s.height()) / 4 * 4;
                throw new DatasetException("the " + crop + "x" + crop + " training crop does not fit image "
                        + img.pair().image() + " (" + s.width() + "x" + s.height() + "); use a crop of at most "
                        + most);
            }
        }
    }

    /** What identifies a run: everything that shapes its weights. */
    private static Map<String, String> settings(FineTuneRequest r, LabelledDataset dataset, FineTuneStart start) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("dataset", dataset.root().toString());
        s.put("classFile", dataset.classFilePath().toString());
        s.put("classFileSha256", sha256(dataset.classFilePath()));
        s.put("model", r.modelName());
        s.put("from", start.parentRef());
        s.put("labelFraction", Double.toString(r.labelFraction()));
        TrainingOptions t = r.training();
        s.put("steps", Integer.toString(t.steps()));
        s.put("batchSize", Integer.toString(t.batchSize()));
        s.put("crop", Integer.toString(t.cropSize()));
        s.put("learningRate", String.format(Locale.ROOT, "%s", t.learningRate()));
        s.put("seed", Long.toString(t.seed()));
        s.put("baseChannels", Integer.toString(start.config().baseChannels()));
        return s;
    }

    private static String sha256(Path file) {
        try {
            return FineTuneCheckpoints.sha256(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new DatasetException("cannot read class file " + file + ": " + e.getMessage(), e);
        }
    }
}
