package io.satstream.app.bench;

import io.satstream.app.ConsoleProgress;
import io.satstream.ingest.synthetic.SyntheticSceneGenerator;
import io.satstream.modelstore.ManifestDraft;
import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelStore;
import io.satstream.training.LabeledSample;
import io.satstream.training.LabeledSampleSource;
import io.satstream.training.SegmentationNet;
import io.satstream.training.SupervisedTrainer;
import io.satstream.training.TrainedModel;
import io.satstream.training.TrainingOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The two versions the swap benchmark alternates, in a model store of its own ({@code <work-dir>/bench/swap-models}),
 * so promoting them never changes what the demo or {@code job segment} serve: version 1 is the work dir's serving
 * model (its ONNX bytes and manifest), version 2 the same network with other weights — trained briefly from another
 * seed on the synthetic scenes ({@code retrain}) — or version 1's ONNX registered again ({@code copy}), which is also
 * what {@code retrain} falls back to for a network it cannot train (not the satstream UNet, or other classes or bands).
 * The store is kept between runs and rebuilt when the work dir's model or the recipe changed.
 */
final class SwapBenchModels {
    static final String OBJECTIVE_RETRAINED = "bench-swap-retrained";
    static final String OBJECTIVE_COPY = "bench-swap-copy";
    static final long SEED = 20270109L;

    /** The pair, and how the second came to be (one line for the table). */
    record Pair(ModelStore store, ModelManifest first, ModelManifest second, String secondKind, String secondHow) {}

    /** A short training of the second version; {@code steps} is recorded in its manifest. */
    record Recipe(int steps, int batchSize, int cropSize) {}

    private SwapBenchModels() {}

    static Pair prepare(Path dir, ModelStore main, ModelManifest base, boolean retrain, Recipe recipe,
            ConsoleProgress progress) {
        String name = base.name();
        String baseSha = base.files().get(ModelManifest.MODEL_FILE);
        String why = retrain ? untrainable(base) : null;
        boolean train = retrain && why == null;
        String objective = train ? OBJECTIVE_RETRAINED : OBJECTIVE_COPY;

        ModelStore store = ModelStore.open(dir);
        List<ModelManifest> versions = store.list(name);
        if (versions.size() == 2 && baseSha.equals(versions.get(0).files().get(ModelManifest.MODEL_FILE))
                && objective.equals(versions.get(1).objective())
                && (!train || versions.get(1).metrics().getOrDefault("steps", -1.0) == recipe.steps())) {
            store.load(name, 1);
            store.load(name, 2);
            progress.println("benchmark models: " + describe(versions.get(1), train) + " (kept from an earlier run in "
                    + dir + ")");
            return new Pair(store, versions.get(0), versions.get(1), kind(train), how(versions.get(1), train, why));
        }
        deleteTree(dir);
        store = ModelStore.open(dir);
        byte[] onnx = main.load(name, base.version()).onnx();
        ModelManifest first = store.register(name, onnx, new ManifestDraft(null, base.objective(), base.inputSpec(),
                base.classNames(), base.metrics(), base.network()));
        ModelManifest second;
        if (train) {
            progress.println(String.format(Locale.ROOT, "training the second version: %s's network from seed %d, %d"
                    + " steps of %d crops of %d px…", base.ref(), SEED, recipe.steps(), recipe.batchSize(),
                    recipe.cropSize()));
            second = trainSecond(store, first, recipe, progress);
        } else {
            second = store.register(name, onnx, new ManifestDraft(first.version(), OBJECTIVE_COPY, base.inputSpec(),
                    base.classNames(), base.metrics(), base.network()));
        }
        if (why != null) {
            progress.println("cannot retrain " + base.ref() + " (" + why + "): registering its ONNX again instead");
        }
        progress.println("benchmark models: " + describe(second, train) + " in " + dir);
        return new Pair(store, first, second, kind(train), how(second, train, why));
    }

    private static String kind(boolean trained) {
        return trained ? "retrained" : "copy";
    }

    private static String describe(ModelManifest second, boolean trained) {
        return second.name() + "@1 = the serving model, " + second.ref() + " = " + (trained
                ? String.format(Locale.ROOT, "the same network retrained (%.0f steps, mIoU %.3f)",
                        second.metrics().getOrDefault("steps", Double.NaN),
                        second.metrics().getOrDefault("miou", Double.NaN))
                : "its ONNX registered again");
    }

    private static String how(ModelManifest second, boolean trained, String why) {
        if (trained) {
            return String.format(Locale.ROOT, "same network, other weights: retrained from seed %d for %.0f steps"
                    + " (mIoU %.3f)", SEED, second.metrics().getOrDefault("steps", Double.NaN),
                    second.metrics().getOrDefault("miou", Double.NaN));
        }
        return "the first version's ONNX registered again" + (why == null ? "" : " (cannot retrain: " + why + ")");
    }

    /** Why {@code base} cannot be retrained here, or null. */
    static String untrainable(ModelManifest base) {
        Map<String, Object> n = base.network();
        if (!"unet".equals(n.get("architecture")) || !(n.get("levels") instanceof Number levels)
                || levels.intValue() != SegmentationNet.LEVELS) {
            return "its network is not the satstream UNet";
        }
        if (!(n.get("inChannels") instanceof Number in) || in.intValue() != 3 || base.inputSpec().bands().size() != 3) {
            return "it does not take 3 bands";
        }
        if (!(n.get("numClasses") instanceof Number) || !(n.get("baseChannels") instanceof Number)) {
            return "its manifest does not describe its network";
        }
        if (!base.classNames().equals(SyntheticSceneGenerator.CLASS_NAMES)) {
            return "its classes are not the synthetic scenes' " + SyntheticSceneGenerator.CLASS_NAMES;
        }
        return null;
    }

    private static ModelManifest trainSecond(ModelStore store, ModelManifest first, Recipe recipe,
            ConsoleProgress progress) {
        Map<String, Object> n = first.network();
        SegmentationNet.Config config = new SegmentationNet.Config(((Number) n.get("inChannels")).intValue(),
                ((Number) n.get("numClasses")).intValue(), ((Number) n.get("baseChannels")).intValue());
        SyntheticSceneGenerator generator = new SyntheticSceneGenerator(SEED, Math.max(64, 2 * recipe.cropSize()));
        LabeledSampleSource source = rnd -> {
            var scene = generator.generate(rnd.nextLong() & Long.MAX_VALUE);
            return new LabeledSample(scene.rgbPlanar(), scene.labels(), scene.width(), scene.height());
        };
        TrainingOptions options = new TrainingOptions(recipe.steps(), recipe.batchSize(), recipe.cropSize(), 2e-3f,
                SEED);
        try (TrainedModel trained = new SupervisedTrainer().train(config, first.toInputSpec(), source, options,
                (step, steps, loss) -> progress.update(String.format(Locale.ROOT,
                        "training the second version: step %d/%d, loss %.3f", step, steps, loss)))) {
            Map<String, Double> metrics = new LinkedHashMap<>(trained.metrics());
            metrics.put("seed", (double) SEED);
            return store.register(first.name(), trained.onnx(), new ManifestDraft(first.version(),
                    OBJECTIVE_RETRAINED, first.inputSpec(), first.classNames(), metrics, first.network()));
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear the benchmark's model store " + dir + ": " + e.getMessage(), e);
        }
    }
}
