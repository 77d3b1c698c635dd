package io.satstream.app;

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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the app's integration tests share: a small served model and the path of the real data. */
final class TestFixtures {
    static final List<String> CLASSES = List.of("water", "vegetation", "bare_soil", "road", "building", "cloud");

    private TestFixtures() {}

    /**
     * A briefly trained RGB model, registered and promoted as {@code unet@1} in {@code storeDir}, so a
     * command finds a serving model and skips its first-start training.
     */
    static void createServingModel(Path storeDir) {
        ModelStore store = ModelStore.open(storeDir);
        try (TrainedModel trained = new SupervisedTrainer().train(new SegmentationNet.Config(3, CLASSES.size(), 8),
                InputSpec.rgbUint8(64), rnd -> {
                    byte[] pixels = new byte[3 * 32 * 32];
                    rnd.nextBytes(pixels);
                    byte[] labels = new byte[32 * 32];
                    for (int i = 0; i < labels.length; i++) {
                        labels[i] = (byte) ((pixels[i] & 0xFF) % CLASSES.size());
                    }
                    return new LabeledSample(pixels, labels, 32, 32);
                }, new TrainingOptions(4, 2, 32, 1e-2f, 3L))) {
            ModelManifest m = store.register("unet", trained.onnx(),
                    TrainedManifests.draft(trained, "test", null, CLASSES));
            store.promote("unet", m.version());
        }
    }

    /** {@code ../shared/data} beside the repository (tests run in the module directory). */
    static Path sharedData() {
        for (Path p : List.of(Path.of("../../shared/data"), Path.of("../shared/data"))) {
            if (Files.isDirectory(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("../shared/data not found beside the repository");
    }
}
