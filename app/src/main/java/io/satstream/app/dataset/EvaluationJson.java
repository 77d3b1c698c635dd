package io.satstream.app.dataset;

import java.nio.file.Path;
import java.util.List;

import io.satstream.inference.Evaluation;
import io.satstream.training.dataset.DatasetEvaluation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The JSON form of an evaluation; a score that does not exist (NaN: nothing counted) is null. */
final class EvaluationJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private EvaluationJson() {}

    /** @param png the heat map written beside it, or null */
    static ObjectNode of(DatasetEvaluation.Report r, Path png) {
        Evaluation e = r.evaluation();
        ObjectNode o = MAPPER.createObjectNode();
        o.put("model", r.model());
        o.put("dataset", r.dataset().toString());
        o.put("class_file", r.classFile().toString());
        o.put("split", r.split().label());
        o.put("images", r.pairIds().size());
        o.set("pairs", MAPPER.valueToTree(r.pairIds()));
        o.set("classes", MAPPER.valueToTree(r.classNames()));
        ObjectNode iou = o.putObject("iou");
        double[] perClass = e.iouPerClass();
        List<String> names = r.classNames();
        for (int c = 0; c < names.size(); c++) {
            number(iou, names.get(c), perClass[c]);
        }
        number(o, "miou", e.miou());
        number(o, "pixel_accuracy", e.pixelAccuracy());
        o.put("pixels", e.pixels());
        o.put("ignored_pixels", r.ignoredPixels());
        o.put("unknown_pixels", r.unknownPixels());
        ArrayNode rows = o.putArray("confusion_matrix");
        for (long[] row : e.confusionMatrix()) {
            ArrayNode a = rows.addArray();
            for (long v : row) {
                a.add(v);
            }
        }
        if (png != null) {
            o.put("confusion_png", png.toString());
        }
        return o;
    }

    private static void number(ObjectNode o, String field, double v) {
        if (Double.isNaN(v)) {
            o.putNull(field);
        } else {
            o.put(field, v);
        }
    }
}
