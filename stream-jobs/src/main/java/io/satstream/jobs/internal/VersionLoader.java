package io.satstream.jobs.internal;

import io.satstream.inference.InputSpec;
import io.satstream.inference.RuntimeOptions;
import io.satstream.modelstore.LoadedModel;
import io.satstream.modelstore.ModelIntegrityException;
import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelStore;
import io.satstream.modelstore.events.ModelEvents;
import io.satstream.schemas.ModelEvent;

import java.net.URI;
import java.util.Map;

/**
 * Gets the version a {@code model-events} record references ready to serve beside the one serving now: fetches its
 * files and verifies every sha256 the event and the manifest name, checks that it takes the same bands and value
 * range and answers with the same classes as the serving version (tiles in the stream were made for those, and
 * consumers read masks by those classes), opens a second runtime instance beside the serving one and runs a
 * warm-up batch whose class scores must all be finite; subtasks of one JVM that swap to the same version share that
 * instance ({@link SharedVersions}). Any failure is a {@link ModelRefusedException} with its reason; the serving
 * version is never touched. Runs on a loader thread, never the task thread.
 */
public final class VersionLoader {
    private final String runtimeKind;
    private final RuntimeOptions options;

    public VersionLoader(String runtimeKind, RuntimeOptions options) {
        this.runtimeKind = runtimeKind;
        this.options = options;
    }

    /**
     * Loads {@code event}'s version for a subtask serving {@code serving}; the warm-up batch is {@code batch} tiles of
     * {@code width} × {@code height} (the stream's latest tile shape and the size of its recent batches), padded as
     * the model's size rule asks. A runtime's first batch of a size is several times slower than the next (ONNX
     * Runtime grows its memory arena then: 1.2 s against 0.26 s for 8 tiles of 256x256 on one thread), so it is paid
     * here, off the task thread, rather than by the first tiles the new version serves.
     */
    public ServingModel load(ModelEvent event, ServingModel serving, int width, int height, int batch)
            throws ModelRefusedException {
        String ref = ModelEvents.ref(event);
        LoadedModel loaded = fetch(event);
        ModelManifest manifest = loaded.manifest();
        if (!event.getClassNames().isEmpty() && !event.getClassNames().equals(manifest.classNames())) {
            throw new ModelRefusedException(ModelEvents.REASON_FETCH, "the event describes " + ref + " with classes "
                    + event.getClassNames() + " but the manifest at " + event.getUri() + " lists "
                    + manifest.classNames(), null);
        }
        InputSpec next = manifest.toInputSpec();
        InputSpec now = serving.spec();
        if (!next.bands().equals(now.bands())) {
            throw new ModelRefusedException(ModelEvents.REASON_BANDS, ref + " takes bands " + next.bands()
                    + " but the tiles are made for " + now.bands() + " (" + serving.ref() + ")", null);
        }
        if (next.scale() != now.scale()) {
            throw new ModelRefusedException(ModelEvents.REASON_BANDS, ref + " takes samples in [0, " + next.scale()
                    + "] but the tiles are made for [0, " + now.scale() + "] (" + serving.ref() + ")", null);
        }
        if (!manifest.classNames().equals(serving.classNames())) {
            throw new ModelRefusedException(ModelEvents.REASON_CLASSES, ref + " answers with classes "
                    + manifest.classNames() + " but " + serving.ref() + " with " + serving.classNames()
                    + "; a model with other classes needs a job of its own", null);
        }
        SharedVersions.Key key = new SharedVersions.Key(event.getUri(),
                manifest.files().get(ModelManifest.MODEL_FILE), runtimeKind, options);
        return SharedVersions.acquire(key, () -> openAndWarmUp(loaded, ref, width, height, batch));
    }

    private ServingModel openAndWarmUp(LoadedModel loaded, String ref, int width, int height, int batch)
            throws ModelRefusedException {
        ServingModel model;
        try {
            model = ServingModel.open(loaded, runtimeKind, options);
        } catch (RuntimeException e) {
            throw new ModelRefusedException(ModelEvents.REASON_LOAD, "cannot open " + ref + " with " + runtimeKind
                    + ": " + e.getMessage(), e);
        }
        try {
            warmUp(model, width, height, batch);
        } catch (ModelRefusedException | RuntimeException e) {
            model.close();
            if (e instanceof ModelRefusedException refused) {
                throw refused;
            }
            throw new ModelRefusedException(ModelEvents.REASON_WARMUP, "the warm-up batch of " + ref + " failed: "
                    + e.getMessage(), e);
        }
        return model;
    }

    /** Opens the version a checkpoint says was serving; it served before, so only its files are checked again. */
    public ServingModel reopen(ModelEvent event) throws ModelRefusedException {
        try {
            return ServingModel.open(fetch(event), runtimeKind, options);
        } catch (RuntimeException e) {
            throw new ModelRefusedException(ModelEvents.REASON_LOAD, "cannot open " + ModelEvents.ref(event) + ": "
                    + e.getMessage(), e);
        }
    }

    private static LoadedModel fetch(ModelEvent event) throws ModelRefusedException {
        String ref = ModelEvents.ref(event);
        // An event written before events carried every file's sha256 still names the ONNX file's.
        Map<String, String> expected = !event.getFiles().isEmpty() ? event.getFiles()
                : event.getSha256().isEmpty() ? Map.of() : Map.of(ModelManifest.MODEL_FILE, event.getSha256());
        try {
            return ModelStore.loadReferenced(URI.create(event.getUri()), event.getModelName(), event.getVersion(),
                    expected);
        } catch (ModelIntegrityException e) {
            throw new ModelRefusedException(ModelEvents.REASON_CHECKSUM, ref + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ModelRefusedException(ModelEvents.REASON_FETCH, "cannot fetch " + ref + " from "
                    + event.getUri() + ": " + e.getMessage(), e);
        }
    }

    /** One batch of a deterministic texture across the model's value range; every class score must be finite. */
    static void warmUp(ServingModel model, int width, int height, int batch) throws ModelRefusedException {
        InputSpec spec = model.spec();
        int c = spec.bands().size();
        int w = BatchSegmenter.roundUp(Math.max(1, width), model.sizeMultiple());
        int h = BatchSegmenter.roundUp(Math.max(1, height), model.sizeMultiple());
        int n = Math.max(1, batch);
        float[] mean = spec.mean();
        float[] std = spec.std();
        float[] input = new float[n * c * w * h];
        for (int t = 0; t < n; t++) {
            for (int b = 0; b < c; b++) {
                int plane = (t * c + b) * w * h;
                for (int i = 0; i < w * h; i++) {
                    float sample = ((i * 31 + b * 97 + t * 13) % 256) / 255f; // as a fraction of the model's range
                    input[plane + i] = (sample - mean[b]) / std[b];
                }
            }
        }
        float[] logits = model.runtime().infer(input, n, c, h, w);
        int k = model.runtime().numClasses();
        if (logits.length != n * k * w * h) {
            throw new ModelRefusedException(ModelEvents.REASON_WARMUP, model.ref() + " answered the warm-up batch with "
                    + logits.length + " scores, expected " + n + " tiles x " + k + " classes x " + w + "x" + h, null);
        }
        for (int i = 0; i < logits.length; i++) {
            if (!Float.isFinite(logits[i])) {
                throw new ModelRefusedException(ModelEvents.REASON_WARMUP_NONFINITE, model.ref()
                        + " answered the warm-up batch with " + logits[i] + " (class " + (i / (w * h)) % k + ", pixel "
                        + (i % (w * h)) + "); it would send every tile to the DLQ", null);
            }
        }
    }
}
