package io.satstream.app.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.satstream.inference.Evaluation;
import io.satstream.training.dataset.DatasetEvaluation;

/** The text form of an evaluation: a summary line, per-class IoU, the two scores, and the confusion matrix. */
final class EvaluationTable {

    private EvaluationTable() {}

    static List<String> render(DatasetEvaluation.Report r) {
        Evaluation e = r.evaluation();
        List<String> names = r.classNames();
        long[][] m = e.confusionMatrix();
        int k = names.size();
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%s on the %s split of %s: %d images, %,d pixels counted, %,d ignored"
                + " (%,d of them of values not in the class file)", r.model(), r.split().label(), r.dataset(),
                r.pairIds().size(), e.pixels(), r.ignoredPixels(), r.unknownPixels()));
        lines.add("");

        int nameWidth = Math.max("truth \\ predicted".length(), names.stream().mapToInt(String::length).max().orElse(0));
        double[] iou = e.iouPerClass();
        lines.add(String.format(Locale.ROOT, "%-" + nameWidth + "s  %6s  %13s  %13s", "class", "IoU", "truth px",
                "predicted px"));
        for (int c = 0; c < k; c++) {
            long truth = 0;
            long predicted = 0;
            for (int j = 0; j < k; j++) {
                truth += m[c][j];
                predicted += m[j][c];
            }
            lines.add(String.format(Locale.ROOT, "%-" + nameWidth + "s  %6s  %,13d  %,13d", names.get(c),
                    Double.isNaN(iou[c]) ? "-" : String.format(Locale.ROOT, "%.3f", iou[c]), truth, predicted));
        }
        lines.add(String.format(Locale.ROOT, "mIoU %.3f (mean over the classes in truth or prediction), pixel accuracy"
                + " %.3f", e.miou(), e.pixelAccuracy()));
        lines.add("");

        lines.add("confusion matrix (pixels; rows: truth, columns: predicted)");
        int[] widths = new int[k];
        for (int j = 0; j < k; j++) {
            widths[j] = names.get(j).length();
            for (int t = 0; t < k; t++) {
                widths[j] = Math.max(widths[j], String.format(Locale.ROOT, "%,d", m[t][j]).length());
            }
        }
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-" + nameWidth + "s", "truth \\ predicted"));
        for (int j = 0; j < k; j++) {
            header.append("  ").append(String.format(Locale.ROOT, "%" + widths[j] + "s", names.get(j)));
        }
        lines.add(header.toString());
        for (int t = 0; t < k; t++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-" + nameWidth + "s", names.get(t)));
            for (int j = 0; j < k; j++) {
                row.append("  ").append(String.format(Locale.ROOT, "%," + widths[j] + "d", m[t][j]));
            }
            lines.add(row.toString());
        }
        return lines;
    }
}
