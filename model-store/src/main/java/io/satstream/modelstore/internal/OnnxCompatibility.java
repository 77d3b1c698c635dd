package io.satstream.modelstore.internal;

import io.satstream.inference.OnnxModelInfo;
import io.satstream.modelstore.ModelStore;
import io.satstream.schemas.InputLimits;
import java.util.List;

/**
 * Checks that ONNX bytes declare nothing absurd ({@link OnnxStructure}, before ONNX Runtime allocates anything), open
 * in ONNX Runtime and fit the manifest: input channels = bands, outputs = classes.
 */
public final class OnnxCompatibility {

    private static final OnnxStructure STRUCTURE = new OnnxStructure(InputLimits.defaults(), ModelStore.MAX_MODEL_BYTES);

    private OnnxCompatibility() {
    }

    public static OnnxModelInfo check(String name, byte[] onnx, List<String> bands, List<String> classNames) {
        OnnxModelInfo info;
        try {
            STRUCTURE.check(onnx);
            info = OnnxModelInfo.inspect(onnx);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("refusing model '" + name + "': " + e.getMessage(), e);
        }
        if (info.inputChannels() != bands.size()) {
            throw new IllegalArgumentException("refusing model '" + name + "': it takes " + info.inputChannels()
                    + " input channels but the manifest lists " + bands.size() + " bands " + bands);
        }
        if (info.numClasses() != classNames.size()) {
            throw new IllegalArgumentException("refusing model '" + name + "': it outputs " + info.numClasses()
                    + " classes but the manifest lists " + classNames.size() + " class names " + classNames);
        }
        return info;
    }
}
