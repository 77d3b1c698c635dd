package io.satstream.jobs;

import io.satstream.inference.InputSpec;
import io.satstream.modelstore.ManifestDraft;
import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelStore;
import io.satstream.training.LabeledSample;
import io.satstream.training.SegmentationNet;
import io.satstream.training.SupervisedTrainer;
import io.satstream.training.TrainedManifests;
import io.satstream.training.TrainedModel;
import io.satstream.training.TrainingOptions;

import java.nio.file.Path;
import java.util.List;

/** A model store with a briefly trained, promoted RGB model: real weights, real ONNX, real checksums. */
public final class TestModelStore {
    public static final List<String> CLASSES = List.of("water", "vegetation", "bare_soil", "road", "building", "cloud");

    private TestModelStore() {}

    public static ModelManifest createServingModel(Path storeDir, String name) {
        ModelStore store = ModelStore.open(storeDir);
        SegmentationNet.Config config = new SegmentationNet.Config(3, CLASSES.size(), 8);
        InputSpec spec = InputSpec.rgbUint8(64);
        // Blocks of random colour labelled by their brightest band: a few dozen steps give a model whose
        // masks follow regions (not speckle), so they can also be vectorised.
        try (TrainedModel trained = new SupervisedTrainer().train(config, spec, rnd -> {
            int side = 64;
            byte[] pixels = TestTiles.rgb("sample", side, side, rnd.nextLong()).getPixels().array();
            byte[] labels = new byte[side * side];
            for (int i = 0; i < labels.length; i++) {
                int r = pixels[i] & 0xFF, g = pixels[side * side + i] & 0xFF, b = pixels[2 * side * side + i] & 0xFF;
                labels[i] = (byte) (r >= g && r >= b ? 4 : g >= b ? 1 : 0);
            }
            return new LabeledSample(pixels, labels, side, side);
        }, new TrainingOptions(40, 4, 32, 1e-2f, 11L))) {
            ModelManifest manifest = store.register(name, trained.onnx(),
                    TrainedManifests.draft(trained, "test", null, CLASSES));
            store.promote(name, manifest.version());
            return manifest;
        }
    }

    /** {@code base}'s network and weights registered again as a new version of the same model (its parent). */
    public static ModelManifest reRegister(ModelStore store, ModelManifest base) {
        return store.register(base.name(), store.load(base.name(), base.version()).onnx(), new ManifestDraft(
                base.version(), "test", base.inputSpec(), base.classNames(), base.metrics(), base.network()));
    }

    /** A store with {@link #createServingModel} as v1 (serving) and two re-registrations of it, v2 and v3. */
    public record ThreeVersions(ModelStore store, ModelManifest v1, ModelManifest v2, ModelManifest v3) {
        public static ThreeVersions in(Path storeDir) {
            ModelManifest v1 = createServingModel(storeDir, "unet");
            ModelStore store = ModelStore.open(storeDir);
            return new ThreeVersions(store, v1, reRegister(store, v1), reRegister(store, v1));
        }
    }
}
