package io.satstream.jobs.internal;

import io.satstream.inference.InferenceRuntime;
import io.satstream.inference.InferenceRuntimes;
import io.satstream.inference.InputSpec;
import io.satstream.inference.MaskDecoder;
import io.satstream.inference.RuntimeOptions;
import io.satstream.modelstore.LoadedModel;
import io.satstream.modelstore.ModelStore;
import io.satstream.schemas.ModelRef;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** One loaded, checksum-verified model version with its runtime, ready to segment batches. */
public final class ServingModel implements AutoCloseable {
    /** Input sides are padded to a multiple of this unless the manifest says otherwise (UNet pooling). */
    static final int DEFAULT_SIZE_MULTIPLE = 8;

    private final ModelRef ref;
    private final InputSpec spec;
    private final List<String> classNames;
    private final InferenceRuntime runtime;
    private final int sizeMultiple;

    ServingModel(ModelRef ref, InputSpec spec, List<String> classNames, InferenceRuntime runtime, int sizeMultiple) {
        this.ref = ref;
        this.spec = spec;
        this.classNames = List.copyOf(classNames);
        this.runtime = runtime;
        this.sizeMultiple = sizeMultiple;
    }

    /** Loads the version that the store marks as serving for {@code modelName}. */
    public static ServingModel loadServing(Path storeDir, String modelName, String runtimeKind, RuntimeOptions options) {
        ModelStore store = ModelStore.open(storeDir);
        int version = store.servingVersion(modelName).orElseThrow(() -> new IllegalStateException(
                "model store " + storeDir + " has no serving version of model '" + modelName
                        + "' (promote one with 'satstream models promote')"));
        return load(store, modelName, version, runtimeKind, options);
    }

    public static ServingModel load(ModelStore store, String modelName, int version, String runtimeKind, RuntimeOptions options) {
        return open(store.load(modelName, version), runtimeKind, options);
    }

    /**
     * Opens a runtime for a verified version.
     *
     * @throws IllegalStateException when its class count disagrees with its manifest or cannot be served
     */
    public static ServingModel open(LoadedModel loaded, String runtimeKind, RuntimeOptions options) {
        String modelName = loaded.manifest().name();
        int version = loaded.manifest().version();
        InputSpec spec = loaded.manifest().toInputSpec();
        InferenceRuntime runtime = InferenceRuntimes.open(runtimeKind, loaded.onnx(), options);
        if (runtime.numClasses() != loaded.manifest().classNames().size()) {
            int n = runtime.numClasses();
            runtime.close();
            throw new IllegalStateException("model " + modelName + "@" + version + " outputs " + n
                    + " classes but its manifest names " + loaded.manifest().classNames().size());
        }
        try {
            MaskDecoder.checkClassCount(runtime.numClasses());
        } catch (IllegalArgumentException e) {
            // Refused at load, not per tile: every tile would fail post-processing and restart the job.
            runtime.close();
            throw new IllegalStateException("model " + modelName + "@" + version + " cannot be served: "
                    + e.getMessage(), e);
        }
        return new ServingModel(new ModelRef(modelName, version), spec, loaded.manifest().classNames(), runtime,
                sizeMultiple(loaded.manifest().network()));
    }

    private static int sizeMultiple(Map<String, Object> network) {
        Object m = network == null ? null : network.get("sizeMultiple");
        return m instanceof Number n && n.intValue() > 0 ? n.intValue() : DEFAULT_SIZE_MULTIPLE;
    }

    /** The same version with another runtime instance (a lease on a shared one). */
    ServingModel withRuntime(InferenceRuntime other) {
        return new ServingModel(ref, spec, classNames, other, sizeMultiple);
    }

    public ModelRef ref() {
        return ref;
    }

    public InputSpec spec() {
        return spec;
    }

    public List<String> classNames() {
        return classNames;
    }

    public InferenceRuntime runtime() {
        return runtime;
    }

    public int sizeMultiple() {
        return sizeMultiple;
    }

    @Override
    public void close() {
        runtime.close();
    }
}
