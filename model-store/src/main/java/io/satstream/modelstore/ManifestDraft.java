package io.satstream.modelstore;

import io.satstream.models.SegmentationNet;
import io.satstream.models.TrainedModel;
import io.satstream.schemas.MaskValues;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The manifest fields a caller chooses when registering a model; the store adds name, version, creation time and
 * file checksums.
 */
public record ManifestDraft(Integer parent, String objective, InputSpecJson inputSpec, List<String> classNames,
        Map<String, Double> metrics, Map<String, Object> network) {

    public ManifestDraft {
        Objects.requireNonNull(inputSpec, "inputSpec");
        if (parent != null && parent < 1) {
            throw new IllegalArgumentException("parent version must be >= 1: " + parent);
        }
        if (objective == null || objective.isBlank()) {
            throw new IllegalArgumentException("objective must be non-blank (e.g. supervised, sop)");
        }
        classNames = checkClassNames(classNames);
        // Mask value 255 means "no data", so class indices must stay below it. Checked here (new versions) and not
        // in ModelManifest, so that a store written before the rule still lists and loads.
        if (classNames.size() > MaskValues.MAX_CLASSES) {
            throw new IllegalArgumentException("a model may have at most " + MaskValues.MAX_CLASSES
                    + " classes (mask value " + MaskValues.NO_DATA + " means no data), the manifest lists "
                    + classNames.size());
        }
        metrics = metrics == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        network = network == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(network));
    }

    /** A draft describing a freshly trained model: its spec, metrics and network configuration. */
    public static ManifestDraft forTrained(TrainedModel model, String objective, Integer parent,
            List<String> classNames) {
        return new ManifestDraft(parent, objective, InputSpecJson.of(model.spec()), classNames, model.metrics(),
                network(model.config()));
    }

    /** The {@code network} map of a manifest for a {@link SegmentationNet}. */
    public static Map<String, Object> network(SegmentationNet.Config cfg) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architecture", "unet");
        m.put("levels", SegmentationNet.LEVELS);
        m.put("inChannels", cfg.inChannels());
        m.put("numClasses", cfg.numClasses());
        m.put("baseChannels", cfg.baseChannels());
        return m;
    }

    static List<String> checkClassNames(List<String> classNames) {
        if (classNames == null || classNames.size() < 2) {
            throw new IllegalArgumentException("classNames must list at least 2 classes, got " + classNames);
        }
        for (String c : classNames) {
            if (c == null || c.isBlank()) {
                throw new IllegalArgumentException("class names must be non-blank: " + classNames);
            }
        }
        if (new HashSet<>(classNames).size() != classNames.size()) {
            throw new IllegalArgumentException("class names must be unique: " + classNames);
        }
        return List.copyOf(classNames);
    }
}
