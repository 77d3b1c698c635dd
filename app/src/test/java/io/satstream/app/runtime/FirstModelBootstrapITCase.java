package io.satstream.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.satstream.app.ConsoleProgress;
import io.satstream.inference.InputSpec;
import io.satstream.ingest.synthetic.SyntheticSceneGenerator;
import io.satstream.modelstore.InputSpecJson;
import io.satstream.modelstore.ManifestDraft;
import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelStore;
import io.satstream.schemas.ModelRef;
import io.satstream.training.OnnxExporter;
import io.satstream.training.SegmentationNet;
import io.satstream.training.TrainedManifests;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first-start training exactly as {@code demo} and {@code bench pipeline} run it ({@link FirstModelBootstrap}
 * with its real recipe, {@link FirstModelBootstrap#FIRST_MODEL_TRAINING}) on an empty store: it trains, registers
 * and promotes version 1 with a model that is clearly better than chance on held-out synthetic tiles, and says how
 * long it took. Then the two other start states: a serving version is kept, and a store with versions but none
 * serving gets its latest promoted — neither trains. Slow (the real recipe: a minute or more on 2 cores).
 */
class FirstModelBootstrapITCase {

    @TempDir
    Path tmp;

    @Test
    void anEmptyStoreGetsATrainedPromotedFirstModelAndLaterStartsKeepIt() {
        ModelStore store = ModelStore.open(tmp.resolve("models"));
        StringWriter printed = new StringWriter();
        ModelRef first;
        long t0 = System.nanoTime();
        try (ConsoleProgress progress = ConsoleProgress.lines(new PrintWriter(printed, true), Duration.ofSeconds(10))) {
            first = FirstModelBootstrap.ensureServing(store, "unet", progress);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("first-start training: %.1f s%n%s", seconds, printed);

        assertThat(first).isEqualTo(new ModelRef("unet", 1));
        assertThat(store.servingVersion("unet")).contains(1);
        ModelManifest m = store.manifest("unet", 1).orElseThrow();
        assertThat(m.objective()).isEqualTo("supervised-synthetic");
        assertThat(m.classNames()).isEqualTo(SyntheticSceneGenerator.CLASS_NAMES);
        assertThat(m.metrics().get("steps")).isEqualTo((double) FirstModelBootstrap.FIRST_MODEL_TRAINING.steps());
        // Six classes: a constant or random prediction scores an mIoU well under 0.2 on these scenes.
        assertThat(m.metrics().get("miou")).isGreaterThan(0.6);
        assertThat(m.metrics().get("pixel_accuracy")).isGreaterThan(0.85);
        assertThat(m.metrics().get("train_loss")).isLessThan(m.metrics().get("train_loss_first") / 2);
        assertThat(m.network()).containsEntry("baseChannels", 16).containsEntry("sizeMultiple", 4);
        assertThat(printed.toString())
                .contains("model store is empty: training a first model on labelled synthetic tiles")
                .containsPattern("trained unet@1 in \\d+ s: mIoU 0\\.\\d{3}, pixel accuracy 0\\.\\d{3}");

        StringWriter again = new StringWriter();
        try (ConsoleProgress progress = ConsoleProgress.lines(new PrintWriter(again, true), Duration.ofSeconds(10))) {
            assertThat(FirstModelBootstrap.ensureServing(store, "unet", progress)).isEqualTo(first);
        }
        assertThat(again.toString()).as("a serving version is kept, nothing trained").isEmpty();
        assertThat(store.list("unet")).hasSize(1);
    }

    @Test
    void aStoreWithVersionsButNoneServingPromotesTheLatestWithoutTraining() {
        ModelStore store = ModelStore.open(tmp.resolve("unserved"));
        SegmentationNet.Config config = new SegmentationNet.Config(3, SyntheticSceneGenerator.CLASS_NAMES.size(), 4);
        for (int i = 0; i < 2; i++) {
            store.register("unet", OnnxExporter.exportInitialised(new SegmentationNet(config)),
                    new ManifestDraft(null, "untrained", InputSpecJson.of(InputSpec.rgbUint8(64)),
                            SyntheticSceneGenerator.CLASS_NAMES, Map.of(), TrainedManifests.network(config)));
        }
        assertThat(store.servingVersion("unet")).isEmpty();
        StringWriter printed = new StringWriter();
        try (ConsoleProgress progress = ConsoleProgress.lines(new PrintWriter(printed, true), Duration.ofSeconds(10))) {
            assertThat(FirstModelBootstrap.ensureServing(store, "unet", progress)).isEqualTo(new ModelRef("unet", 2));
        }
        assertThat(printed.toString()).contains("model store had no serving version; promoted unet@2")
                .doesNotContain("training");
        assertThat(store.list("unet")).hasSize(2);
        assertThat(Files.exists(store.versionDir("unet", 3))).isFalse();
    }
}
