package io.satstream.modelstore;

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
