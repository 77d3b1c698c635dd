package io.satstream.modelstore.events;

import io.satstream.modelstore.InputSpecJson;
import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelStore;
import io.satstream.schemas.ModelEvent;
import io.satstream.schemas.ModelEventType;
import io.satstream.schemas.ModelInputSpec;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds the {@link ModelEvent}s of the {@code model-events} topic. An event references a stored version — where its
 * files are, the sha256 of each, what it expects as input, its classes — and never carries weights, so a reader
 * fetches and verifies the files itself.
 */
public final class ModelEvents {

    /** Reasons a job refuses a version (the {@code reason} of a REJECTED event and the label of its metric). */
    public static final String REASON_FETCH = "fetch";
    public static final String REASON_CHECKSUM = "checksum";
    public static final String REASON_BANDS = "bands";
    public static final String REASON_CLASSES = "classes";
    public static final String REASON_LOAD = "load";
    public static final String REASON_WARMUP = "warmup";
    public static final String REASON_WARMUP_NONFINITE = "warmup-nonfinite";
    public static final List<String> REASONS = List.of(REASON_FETCH, REASON_CHECKSUM, REASON_BANDS, REASON_CLASSES,
            REASON_LOAD, REASON_WARMUP, REASON_WARMUP_NONFINITE);

    private ModelEvents() {}

    /** The event saying {@code type} (PROMOTED, ROLLED_BACK or CANDIDATE) happened to {@code manifest}'s version now. */
    public static ModelEvent of(ModelStore store, ModelManifest manifest, ModelEventType type, String message,
            String publisher, Clock clock) {
        Objects.requireNonNull(type, "type");
        InputSpecJson spec = manifest.inputSpec();
        return ModelEvent.newBuilder()
                .setModelName(manifest.name())
                .setVersion(manifest.version())
                .setType(type)
                .setUri(store.versionDir(manifest.name(), manifest.version()).toUri().toString())
                .setSha256(manifest.files().getOrDefault(ModelManifest.MODEL_FILE, ""))
                .setObjective(manifest.objective())
                // when the change happened (when the model was made is in the manifest at uri)
                .setCreatedAt(Instant.now(clock).truncatedTo(ChronoUnit.MILLIS))
                .setMessage(message)
                .setFiles(manifest.files())
                .setInputSpec(new ModelInputSpec(spec.bands(), spec.tileSize(), spec.scale(), floats(spec.mean()),
                        floats(spec.std())))
                .setClassNames(manifest.classNames())
                .setPublisher(publisher)
                .build();
    }

    /**
     * The event saying {@code subtask} of a job refused the version {@code refused} references, for {@code reason}
     * (one of {@link #REASONS}) with a one-line {@code detail}. It keeps the reference so the refusal names exactly
     * which files were refused.
     */
    public static ModelEvent rejected(ModelEvent refused, String reason, String detail, int subtask, String publisher,
            Clock clock) {
        if (!REASONS.contains(reason)) {
            throw new IllegalArgumentException("unknown refusal reason " + reason + "; one of " + REASONS);
        }
        return ModelEvent.newBuilder(refused)
                .setType(ModelEventType.REJECTED)
                .setCreatedAt(Instant.now(clock).truncatedTo(ChronoUnit.MILLIS))
                .setMessage(detail)
                .setReason(reason)
                .setSubtask(subtask)
                .setPublisher(publisher)
                .build();
    }

    /**
     * {@code name@version} of the version {@code event} references, for messages; plain text, not a checked
     * {@code ModelRef}, since a record off the topic may carry any name and version.
     */
    public static String ref(ModelEvent event) {
        return event.getModelName() + "@" + event.getVersion();
    }

    /** Whether {@code event} tells readers to serve its version (PROMOTED or ROLLED_BACK). */
    public static boolean changesServing(ModelEvent event) {
        return event.getType() == ModelEventType.PROMOTED || event.getType() == ModelEventType.ROLLED_BACK;
    }

    private static List<Float> floats(float[] values) {
        List<Float> out = new ArrayList<>(values.length);
        for (float v : values) {
            out.add(v);
        }
        return out;
    }
}
