package io.satstream.app.dataset;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.satstream.app.ConsoleProgress;
import io.satstream.app.models.ModelStoreOptions;
import io.satstream.inference.Evaluation;
import io.satstream.modelstore.ModelManifest;
import io.satstream.training.dataset.DatasetFineTuning;
import io.satstream.training.dataset.LabelledDataset;

/** What {@code satstream finetune} prints: the plan, a live step line, and the registered version with its scores. */
final class FinetuneReport implements DatasetFineTuning.Listener {

    private final ConsoleProgress progress;
    private long firstStepAt;
    private int firstStep;

    FinetuneReport(ConsoleProgress progress) {
        this.progress = progress;
    }

    @Override
    public void onPlan(DatasetFineTuning.Plan plan) {
        LabelledDataset d = plan.dataset();
        var t = plan.training();
        progress.println("dataset: " + d.root() + " (" + d.pairs().size() + " pairs: " + plan.trainingSplitSize()
                + " training, " + plan.validationPairs().size() + " validation; classes "
                + String.join(", ", d.classes().names()) + "; class file " + d.classFilePath() + ")");
        progress.println(String.format(Locale.ROOT, "training on %d of the %d training pairs, %dx%d crops, batch %d,"
                + " %d steps, lr %s, seed %d", plan.trainingPairs().size(), plan.trainingSplitSize(), t.cropSize(),
                t.cropSize(), t.batchSize(), t.steps(), t.learningRate(), t.seed()));
        progress.println("start: " + plan.start().description());
        if (plan.resumedAfter() > 0) {
            progress.println("resuming run " + plan.runId() + " after step " + plan.resumedAfter() + " of " + t.steps()
                    + " (weights from its checkpoint; Adam's moment estimates start afresh)");
        } else if (plan.replacedCheckpoint() > 0) {
            progress.println("run " + plan.runId() + ": starting over; its checkpoint at step " + plan.replacedCheckpoint()
                    + " will be replaced (--resume would have continued it)");
        }
        progress.println("checkpoints: " + plan.checkpointDir() + " (run " + plan.runId()
                + "; after an interruption the same command with --resume continues)");
    }

    @Override
    public void onStep(int step, int steps, float loss) {
        long now = System.nanoTime();
        if (firstStepAt == 0) {
            firstStepAt = now;
            firstStep = step;
        }
        String rate = "";
        if (step > firstStep) {
            double perStep = (now - firstStepAt) / 1e9 / (step - firstStep);
            rate = String.format(Locale.ROOT, ", %.2f s/step, %s left", perStep, duration(perStep * (steps - step)));
        }
        progress.update(String.format(Locale.ROOT, "step %d/%d, loss %s%s", step, steps,
                Float.isNaN(loss) ? "- (no labelled pixel)" : String.format(Locale.ROOT, "%.3f", loss), rate));
    }

    @Override
    public void onCheckpoint(int step, Path dir) {
        // the step line says where training is; the checkpoint folder was printed with the plan
    }

    @Override
    public void onEvaluation(int done, int total) {
        progress.update("measuring on the validation images: " + done + "/" + total);
    }

    /** The closing lines, once the version is registered. */
    void finished(DatasetFineTuning.Outcome outcome, Integer servingBefore, DatasetOptions dataset,
            ModelStoreOptions store) {
        ModelManifest m = outcome.registered();
        var metrics = m.metrics();
        double steps = metrics.getOrDefault("steps", Double.NaN) - metrics.getOrDefault("resumed_after_steps", 0.0);
        progress.finish(String.format(Locale.ROOT, "trained %.0f steps in %.0f s (%.2f s/step); loss %.3f (mean of the"
                + " last steps, first %.3f)", steps, outcome.trainSeconds(), outcome.trainSeconds() / steps,
                metrics.getOrDefault("train_loss", Double.NaN), metrics.getOrDefault("train_loss_first", Double.NaN)));
        Evaluation e = outcome.validation();
        progress.println(String.format(Locale.ROOT, "registered %s (candidate; %s): mIoU %.3f, pixel accuracy %.3f"
                + " on %d validation images", m.ref(),
                servingBefore == null ? "no version of " + m.name() + " serves"
                        : "serving stays " + m.name() + "@" + servingBefore,
                e.miou(), e.pixelAccuracy(), outcome.plan().validationPairs().size()));
        List<String> perClass = new ArrayList<>();
        double[] iou = e.iouPerClass();
        for (int c = 0; c < iou.length; c++) {
            perClass.add(m.classNames().get(c) + " " + (Double.isNaN(iou[c]) ? "-"
                    : String.format(Locale.ROOT, "%.3f", iou[c])));
        }
        progress.println("IoU per class: " + String.join(", ", perClass));
        List<String> again = new ArrayList<>(List.of("satstream", "evaluate", "--dataset",
                quote(outcome.plan().dataset().root().toString())));
        if (dataset.classes() != null) {
            again.add("--classes");
            again.add(quote(outcome.plan().dataset().classFilePath().toString()));
        }
        again.addAll(List.of("--model", m.ref(), "--store", quote(store.root().toString())));
        progress.println("evaluate it: " + String.join(" ", again));
    }

    private static String quote(String s) {
        return s.matches("[A-Za-z0-9_./@:+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
