package io.satstream.training.dataset;

import io.satstream.inference.InputSpec;
import io.satstream.inference.OnnxModelInfo;
import io.satstream.modelstore.LoadedModel;
import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelStore;
import io.satstream.training.OnnxExporter;
import io.satstream.training.SegmentationNet;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Resolves a {@link StartFrom} against the store and the dataset: which weights, network and input spec a fine-tune
 * starts from, and a sentence saying why. A parent fits when it is a satstream UNet ({@link SegmentationNet}) that
 * takes the dataset's bands; its width and input spec (normalisation) carry over, its head is replaced when the
 * class count differs ({@code WarmStart}). The serving default falls back to random weights when there is no serving
 * version or it does not fit; a version asked for by number must fit.
 *
 * @param parent the parent version, or null from scratch
 * @param parentOnnx its verified ONNX bytes, or null
 * @param config the network to train
 * @param spec its input spec
 * @param description e.g. {@code unet@1 (the serving version; head fresh for 5 classes)}
 */
public record FineTuneStart(ModelManifest parent, byte[] parentOnnx, SegmentationNet.Config config, InputSpec spec,
        String description) {

    public FineTuneStart {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(description, "description");
    }

    /**
     * @param bands the dataset images' bands
     * @param classes the dataset's class names
     * @param crop the training crop (the nominal tile size of a network from scratch)
     */
    public static FineTuneStart resolve(ModelStore store, StartFrom from, List<String> bands, List<String> classes,
            int crop) {
        Objects.requireNonNull(store, "store");
        if (from.isScratch()) {
            return scratch(bands, classes, crop, "scratch (random weights, as asked)");
        }
        if (from.isServingDefault()) {
            Optional<Integer> serving = store.servingVersion(from.model());
            if (serving.isEmpty()) {
                return scratch(bands, classes, crop, "scratch (model '" + from.model() + "' has no serving version in "
                        + store.root() + ")");
            }
            LoadedModel parent = store.load(from.model(), serving.get());
            String misfit = misfit(parent, bands);
            if (misfit != null) {
                return scratch(bands, classes, crop, "scratch (the serving version " + misfit + ")");
            }
            return warm(parent, classes, "the serving version");
        }
        LoadedModel parent = store.load(from.model(), from.version());
        String misfit = misfit(parent, bands);
        if (misfit != null) {
            throw new DatasetException("cannot fine-tune from " + misfit);
        }
        return warm(parent, classes, "as asked");
    }

    private static FineTuneStart warm(LoadedModel parent, List<String> classes, String why) {
        ModelManifest m = parent.manifest();
        SegmentationNet.Config config = new SegmentationNet.Config(m.inputSpec().bands().size(), classes.size(),
                baseChannels(parent));
        String head = m.classNames().size() == classes.size()
                ? "head from the parent, " + classes.size() + " classes"
                : "head fresh for " + classes.size() + " classes, the parent had " + m.classNames().size();
        return new FineTuneStart(m, parent.onnx(), config, m.toInputSpec(), m.ref() + " (" + why + "; " + head + ")");
    }

    private static FineTuneStart scratch(List<String> bands, List<String> classes, int crop, String description) {
        SegmentationNet.Config config = new SegmentationNet.Config(bands.size(), classes.size(),
                FineTuneRequest.SCRATCH_BASE_CHANNELS);
        return new FineTuneStart(null, null, config, scratchSpec(bands, crop), description);
    }

    /**
     * RGB gets the ImageNet statistics every satstream RGB model uses; other bands a neutral centring of 8-bit
     * samples (mean 0.5, std 0.25 of the range), since nothing is known about them.
     */
    static InputSpec scratchSpec(List<String> bands, int tileSize) {
        if (lower(bands).equals(List.of("red", "green", "blue"))) {
            return InputSpec.rgbUint8(tileSize);
        }
        float[] mean = new float[bands.size()];
        float[] std = new float[bands.size()];
        Arrays.fill(mean, 0.5f);
        Arrays.fill(std, 0.25f);
        return new InputSpec(bands, tileSize, 255f, mean, std);
    }

    /** Why {@code parent} cannot start a fine-tune on images of {@code bands}, as "unet@1 …"; null when it can. */
    private static String misfit(LoadedModel parent, List<String> bands) {
        ModelManifest m = parent.manifest();
        if (!lower(m.inputSpec().bands()).equals(lower(bands))) {
            return m.ref() + " takes bands " + m.inputSpec().bands() + ", the dataset's images have " + bands;
        }
        if (m.inputSpec().scale() != 255f) {
            return m.ref() + " takes samples in [0, " + m.inputSpec().scale() + "], the dataset's images are 8-bit";
        }
        String network = OnnxModelInfo.inspect(parent.onnx()).metadata().get(OnnxExporter.META_NETWORK);
        String expected = "unet-l" + SegmentationNet.LEVELS;
        if (!expected.equals(network)) {
            return m.ref() + " is not a satstream UNet (its ONNX says network " + network + ", not " + expected + ")";
        }
        return null;
    }

    private static int baseChannels(LoadedModel parent) {
        Object fromManifest = parent.manifest().network().get("baseChannels");
        if (fromManifest instanceof Number n) {
            return n.intValue();
        }
        String meta = OnnxModelInfo.inspect(parent.onnx()).metadata().get(OnnxExporter.META_BASE_CHANNELS);
        if (meta == null) {
            throw new DatasetException(parent.manifest().ref() + " records no base channel count (manifest network"
                    + " or ONNX metadata " + OnnxExporter.META_BASE_CHANNELS + ")");
        }
        return Integer.parseInt(meta.trim());
    }

    private static List<String> lower(List<String> names) {
        return names.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    }

    /** The parent's reference, or {@code scratch}. */
    public String parentRef() {
        return parent == null ? "scratch" : parent.ref();
    }
}
