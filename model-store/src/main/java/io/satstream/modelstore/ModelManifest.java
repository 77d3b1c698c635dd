package io.satstream.modelstore;

import io.satstream.inference.InputSpec;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything known about one stored model version ({@code manifest.json}): identity, lineage, what it expects as
 * input, what its classes mean, how good it is, and the sha256 of every file in its directory.
 */
public record ModelManifest(String name, int version, Integer parent, String createdAt, String objective,
        InputSpecJson inputSpec, List<String> classNames, Map<String, Double> metrics, Map<String, String> files,
        Map<String, Object> network) {

    /** The ONNX file every version has. */
    public static final String MODEL_FILE = "model.onnx";

    public ModelManifest {
        ModelNames.check(name);
        if (version < 1) {
            throw new IllegalArgumentException("version must be >= 1: " + version);
        }
        if (parent != null && parent < 1) {
            throw new IllegalArgumentException("parent version must be >= 1: " + parent);
        }
        try {
            Instant.parse(Objects.requireNonNull(createdAt, "createdAt"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("createdAt is not an ISO-8601 instant: " + createdAt);
        }
        Objects.requireNonNull(inputSpec, "inputSpec");
        classNames = ManifestDraft.checkClassNames(classNames);
        metrics = metrics == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        files = files == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(files));
        // A manifest edited on disk must not make the store read or list a file outside the version directory.
        for (String file : files.keySet()) {
            String problem = ModelNames.fileNameProblem(file);
            if (problem != null) {
                throw new IllegalArgumentException("the manifest lists a file outside its version directory: "
                        + problem);
            }
        }
        network = network == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(network));
    }

    static ModelManifest of(String name, int version, Instant createdAt, ManifestDraft draft,
            Map<String, String> files) {
        return new ModelManifest(name, version, draft.parent(), createdAt.toString(), draft.objective(),
                draft.inputSpec(), draft.classNames(), draft.metrics(), files, draft.network());
    }

    public InputSpec toInputSpec() {
        return inputSpec.toInputSpec();
    }

    /** {@code name@version}, as written in Kafka headers. */
    public String ref() {
        return name + "@" + version;
    }
}
