package io.satstream.app.runtime;

import io.satstream.app.ConsoleProgress;
import io.satstream.inference.InputSpec;
import io.satstream.ingest.synthetic.SyntheticSceneGenerator;
import io.satstream.modelstore.InputSpecJson;
import io.satstream.modelstore.ManifestDraft;
import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelStore;
import io.satstream.schemas.ModelRef;
import io.satstream.training.LabeledSample;
import io.satstream.training.LabeledSampleSource;
import io.satstream.training.SegmentationNet;
import io.satstream.training.SupervisedTrainer;
import io.satstream.training.TrainedManifests;
import io.satstream.training.TrainedModel;
import io.satstream.training.TrainingOptions;

import java.util.Locale;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First start: when the model store has no serving version, train one briefly on labelled synthetic
 * tiles (so the demo's masks mean something), register it and promote it.
 */
public final class FirstModelBootstrap {
    private static final Logger LOG = LoggerFactory.getLogger(FirstModelBootstrap.class);
    public static final int TILE_SIZE = 256;
    static final long SEED = 20261125L;
    /**
     * Enough for masks that follow water, vegetation, roads and buildings (held-out mIoU 0.77). Measured on 2 vCPUs
     * (FirstModelBootstrapITCase prints it): 135 s where oneDNN is limited to SSE4.1 (docs/decisions/0002); a step
     * took 0.31–0.36 s unlimited against 0.66–0.75 s limited on the same machine, so about a minute elsewhere.
     */
    static final TrainingOptions FIRST_MODEL_TRAINING = new TrainingOptions(200, 8, 128, 2e-3f, SEED);

    private FirstModelBootstrap() {}

    /** The serving version of {@code name}, training and promoting a first one if there is none. */
    public static ModelRef ensureServing(ModelStore store, String name, ConsoleProgress progress) {
        var serving = store.servingVersion(name);
        if (serving.isPresent()) {
            return new ModelRef(name, serving.get());
        }
        var existing = store.list(name);
        if (!existing.isEmpty()) {
            int latest = existing.get(existing.size() - 1).version();
            store.promote(name, latest);
            progress.println("model store had no serving version; promoted " + name + "@" + latest);
            return new ModelRef(name, latest);
        }
        progress.println("model store is empty: training a first model on labelled synthetic tiles…");
        ModelManifest manifest = trainAndRegister(store, name, FIRST_MODEL_TRAINING,
                (step, steps, loss) -> progress.update(String.format("training step %d/%d, loss %.3f", step, steps, loss)));
        store.promote(name, manifest.version());
        progress.println(String.format(Locale.ROOT,
                "trained %s@%d in %.0f s: mIoU %.3f, pixel accuracy %.3f on held-out synthetic tiles",
                name, manifest.version(), manifest.metrics().getOrDefault("train_seconds", Double.NaN),
                manifest.metrics().getOrDefault("miou", Double.NaN),
                manifest.metrics().getOrDefault("pixel_accuracy", Double.NaN)));
        return new ModelRef(name, manifest.version());
    }

    /** Trains the network on synthetic scenes and registers (does not promote) the result. */
    public static ModelManifest trainAndRegister(ModelStore store, String name, TrainingOptions options,
            SupervisedTrainer.Progress progress) {
        SyntheticSceneGenerator generator = new SyntheticSceneGenerator(SEED, TILE_SIZE);
        LabeledSampleSource source = rnd -> {
            var scene = generator.generate(rnd.nextLong() & Long.MAX_VALUE);
            return new LabeledSample(scene.rgbPlanar(), scene.labels(), scene.width(), scene.height());
        };
        InputSpec spec = InputSpec.rgbUint8(TILE_SIZE);
        SegmentationNet.Config config = new SegmentationNet.Config(3, SyntheticSceneGenerator.CLASS_NAMES.size(), 16);
        long t0 = System.nanoTime();
        try (TrainedModel trained = new SupervisedTrainer().train(config, spec, source, options, progress)) {
            LOG.info("trained {} in {} s: {}", name, (System.nanoTime() - t0) / 1_000_000_000, trained.metrics());
            Map<String, Object> network = TrainedManifests.network(config);
            ManifestDraft draft = new ManifestDraft(null, "supervised-synthetic", InputSpecJson.of(spec),
                    SyntheticSceneGenerator.CLASS_NAMES, trained.metrics(), network);
            return store.register(name, trained.onnx(), draft);
        }
    }
}
