package io.satstream.app.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.inference.Evaluation;
import io.satstream.training.dataset.DatasetEvaluation;
import io.satstream.training.dataset.Split;

import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;

/** The table and JSON of {@code satstream evaluate} for a known confusion matrix, a class never seen included. */
class EvaluationOutputTest {

    private static DatasetEvaluation.Report report() {
        Evaluation e = new Evaluation(3);
        // truth: 3 x class 0, 1 x class 1; predicted: 0, 0, 1, 1; class 2 appears in neither
        e.add(new byte[] {0, 0, 1, 1}, new byte[] {0, 0, 0, 1});
        return new DatasetEvaluation.Report("m@2", Path.of("/data"), Path.of("/data/c.json"), Split.VALIDATION,
                List.of("water", "land", "snow"), List.of("a", "b"), e, 7, 2);
    }

    @Test
    void jsonHasPerClassIouWithNullForAClassNeverSeenAndTheMatrixTruthByPredicted() {
        ObjectNode o = EvaluationJson.of(report(), Path.of("/out/cm.png"));

        assertThat(o.get("iou").get("water").asDouble()).isEqualTo(2 / 3.0);
        assertThat(o.get("iou").get("land").asDouble()).isEqualTo(0.5);
        assertThat(o.get("iou").get("snow").isNull()).isTrue();
        assertThat(o.get("miou").asDouble()).isEqualTo((2 / 3.0 + 0.5) / 2);
        assertThat(o.get("pixel_accuracy").asDouble()).isEqualTo(0.75);
        assertThat(o.get("confusion_matrix").toString()).isEqualTo("[[2,1,0],[0,1,0],[0,0,0]]");
        assertThat(o.get("pixels").asLong()).isEqualTo(4);
        assertThat(o.get("ignored_pixels").asLong()).isEqualTo(7);
        assertThat(o.get("unknown_pixels").asLong()).isEqualTo(2);
        assertThat(o.get("images").asInt()).isEqualTo(2);
        assertThat(o.get("split").asText()).isEqualTo("validation");
        assertThat(o.get("confusion_png").asText()).isEqualTo("/out/cm.png");
    }

    @Test
    void tableListsIouPerClassScoresAndTheMatrixWithADashForAClassNeverSeen() {
        List<String> lines = EvaluationTable.render(report());

        assertThat(lines.get(0)).isEqualTo("m@2 on the validation split of /data: 2 images, 4 pixels counted,"
                + " 7 ignored (2 of them of values not in the class file)");
        assertThat(lines).containsSequence(
                "class                 IoU       truth px   predicted px",
                "water               0.667              3              2",
                "land                0.500              1              2",
                "snow                    -              0              0",
                "mIoU 0.583 (mean over the classes in truth or prediction), pixel accuracy 0.750");
        assertThat(lines).containsSequence(
                "confusion matrix (pixels; rows: truth, columns: predicted)",
                "truth \\ predicted  water  land  snow",
                "water                  2     1     0",
                "land                   0     1     0",
                "snow                   0     0     0");
    }
}
