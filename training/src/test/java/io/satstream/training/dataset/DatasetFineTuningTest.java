package io.satstream.training.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.satstream.inference.InputSpec;
import io.satstream.modelstore.InputSpecJson;
import io.satstream.modelstore.ManifestDraft;
import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelStore;
import io.satstream.training.OnnxExporter;
import io.satstream.training.SegmentationNet;
import io.satstream.training.SupervisedTrainer;
import io.satstream.training.TrainedManifests;
import io.satstream.training.TrainingOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fine-tunes on the Dubai tiles with a tiny budget: what gets registered, where it starts, checkpoints and resume. */
class DatasetFineTuningTest {

    private static final List<String> DUBAI = List.of("Building", "Land (unpaved area)", "Road", "Vegetation", "Water");
    /** 4 steps of 2 crops of 64 px, one training pair in ten: seconds, not minutes. */
    private static final TrainingOptions TINY = new TrainingOptions(4, 2, 64, 2e-3f, 5L);

    @TempDir
    Path tmp;

    private ModelStore store;
    private FineTuneCheckpoints checkpoints;

    @BeforeEach
    void storeWithAServingSixClassModel() {
        store = ModelStore.open(tmp.resolve("models"));
        checkpoints = new FineTuneCheckpoints(tmp.resolve("finetune"));
        register("unet", 3, 6);
        store.promote("unet", 1);
    }

    private ModelManifest register(String name, int bands, int classes) {
        SegmentationNet.Config cfg = new SegmentationNet.Config(bands, classes, 8);
        List<String> bandNames = bands == 3 ? List.of("red", "green", "blue") : List.of("red", "green", "blue", "nir");
        InputSpec spec = new InputSpec(bandNames, 64, 255f, new float[bands], filled(bands));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < classes; i++) {
            names.add("c" + i);
        }
        return store.register(name, OnnxExporter.exportInitialised(new SegmentationNet(cfg)),
                new ManifestDraft(null, "test", InputSpecJson.of(spec), names, Map.of(), TrainedManifests.network(cfg)));
    }

    private static float[] filled(int n) {
        float[] f = new float[n];
        java.util.Arrays.fill(f, 1f);
        return f;
    }

    private FineTuneRequest request(StartFrom start, boolean resume) {
        return new FineTuneRequest(DubaiData.dir(), DubaiData.classFile(), "unet", start, 0.1, TINY, 2, resume);
    }

    private DatasetFineTuning fineTuning() {
        return new DatasetFineTuning(store, checkpoints, new SupervisedTrainer());
    }

    @Test
    void fromTheServingVersionRegistersACandidateWithTheDatasetsClassesParentAndValidationMetrics() {
        Recorder rec = new Recorder();

        DatasetFineTuning.Outcome out = fineTuning().run(request(StartFrom.servingOf("unet"), false), rec);

        ModelManifest m = out.registered();
        assertThat(m.ref()).isEqualTo("unet@2");
        assertThat(m.parent()).isEqualTo(1);
        assertThat(m.objective()).isEqualTo("finetune");
        assertThat(m.classNames()).isEqualTo(DUBAI);
        assertThat(m.network()).containsEntry("warmStartFrom", "unet@1").containsEntry("baseChannels", 8)
                .containsEntry("numClasses", 5);
        assertThat(m.metrics()).containsKeys("miou", "pixel_accuracy", "train_loss", "iou.Water")
                .containsEntry("label_fraction", 0.1)
                .containsEntry("training_pairs", 3.0) // ceil(0.1 * 27)
                .containsEntry("validation_pairs", 9.0)
                .containsEntry("steps", 4.0);
        assertThat(m.metrics().get("warm_start_parameters")).isPositive();
        assertThat(m.metrics().get("miou")).isEqualTo(out.validation().miou());
        assertThat(store.servingVersion("unet")).as("a candidate: serving unchanged").contains(1);
        assertThat(rec.plan.start().description()).isEqualTo("unet@1 (the serving version; head fresh for 5"
                + " classes, the parent had 6)");
        assertThat(rec.steps).containsExactly(1, 2, 3, 4);
        assertThat(rec.checkpoints).containsExactly(2);
        assertThat(rec.evaluated).isEqualTo(9);
        // whole validation images: every pixel that is not Unlabeled or black
        assertThat(m.metrics().get("eval_pixels")).isGreaterThan(4_000_000.0);
        assertThat(checkpoints.state(rec.plan.runId())).get()
                .satisfies(s -> assertThat(s.registered()).isEqualTo("unet@2"));
        assertThat(rec.plan.checkpointDir().resolve(FineTuneCheckpoints.WEIGHTS)).doesNotExist();
    }

    @Test
    void anInterruptedRunResumesFromItsCheckpointsWeightsAndStepCount() {
        Recorder interrupted = new Recorder() {
            @Override
            public void onCheckpoint(int step, Path dir) {
                super.onCheckpoint(step, dir);
                throw new IllegalStateException("interrupted after step " + step);
            }
        };
        assertThatThrownBy(() -> fineTuning().run(request(StartFrom.scratch(), false), interrupted))
                .hasMessage("interrupted after step 2");
        String run = interrupted.plan.runId();
        assertThat(checkpoints.state(run)).get().satisfies(s -> {
            assertThat(s.stepsDone()).isEqualTo(2);
            assertThat(s.registered()).isNull();
        });
        assertThat(store.list("unet")).hasSize(1);

        Recorder resumed = new Recorder();
        ModelManifest m = fineTuning().run(request(StartFrom.scratch(), true), resumed).registered();

        assertThat(resumed.plan.runId()).isEqualTo(run);
        assertThat(resumed.plan.resumedAfter()).isEqualTo(2);
        assertThat(resumed.steps).containsExactly(3, 4);
        assertThat(m.metrics()).containsEntry("resumed_after_steps", 2.0).doesNotContainKey("warm_start_parameters");
        assertThat(m.parent()).as("from scratch: no parent").isNull();
        assertThat(m.network()).containsEntry("warmStartFrom", "scratch");
        assertThatThrownBy(() -> fineTuning().run(request(StartFrom.scratch(), true), new Recorder()))
                .isInstanceOf(DatasetException.class)
                .hasMessage("run " + run + " finished already and registered unet@2; nothing to resume");
    }

    @Test
    void resumeWithoutACheckpointOfTheSameSettingsIsRefusedNamingTheRunsThere() throws Exception {
        Files.createDirectories(checkpoints.root().resolve("0123456789ab"));
        Files.writeString(checkpoints.root().resolve("0123456789ab").resolve(FineTuneCheckpoints.STATE), "{}");

        assertThatThrownBy(() -> fineTuning().run(request(StartFrom.scratch(), true), new Recorder()))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith("no checkpoint of a run with these settings (run ")
                .hasMessageContaining("runs there: 0123456789ab;");
    }

    @Test
    void theServingDefaultFallsBackToScratchSayingWhyAndAnExplicitMisfitIsRefused() {
        List<String> rgb = List.of("red", "green", "blue");
        FineTuneStart fits = FineTuneStart.resolve(store, StartFrom.servingOf("unet"), rgb, DUBAI, 64);
        assertThat(fits.parentRef()).isEqualTo("unet@1");
        assertThat(fits.config()).isEqualTo(new SegmentationNet.Config(3, 5, 8));

        FineTuneStart none = FineTuneStart.resolve(store, StartFrom.servingOf("other"), rgb, DUBAI, 64);
        assertThat(none.parent()).isNull();
        assertThat(none.description()).isEqualTo("scratch (model 'other' has no serving version in "
                + store.root() + ")");
        assertThat(none.config()).isEqualTo(new SegmentationNet.Config(3, 5, FineTuneRequest.SCRATCH_BASE_CHANNELS));
        assertThat(none.spec()).isEqualTo(InputSpec.rgbUint8(64));

        register("four", 4, 2);
        store.promote("four", 1);
        FineTuneStart misfit = FineTuneStart.resolve(store, StartFrom.servingOf("four"), rgb, DUBAI, 64);
        assertThat(misfit.description()).isEqualTo("scratch (the serving version four@1 takes bands [red, green,"
                + " blue, nir], the dataset's images have [red, green, blue])");
        assertThatThrownBy(() -> FineTuneStart.resolve(store, StartFrom.version("four", 1), rgb, DUBAI, 64))
                .isInstanceOf(DatasetException.class)
                .hasMessage("cannot fine-tune from four@1 takes bands [red, green, blue, nir], the dataset's images"
                        + " have [red, green, blue]");
    }

    @Test
    void aCropLargerThanATrainingImageIsRefusedNamingItAndTheLargestThatFits() {
        FineTuneRequest big = new FineTuneRequest(DubaiData.dir(), DubaiData.classFile(), "unet", StartFrom.scratch(),
                1.0, new TrainingOptions(1, 1, 548, 1e-3f, 1L), 0, false);

        assertThatThrownBy(() -> fineTuning().run(big, new Recorder())).isInstanceOf(DatasetException.class)
                .hasMessageStartingWith("the 548x548 training crop does not fit image ")
                .hasMessageMatching(".*Tile 2/images/image_part_00\\d\\.jpg \\(5(09|10)x544\\); use a crop of at"
                        + " most 508");
    }

    /** Records what a fine-tune reports. */
    static class Recorder implements DatasetFineTuning.Listener {
        DatasetFineTuning.Plan plan;
        final List<Integer> steps = new ArrayList<>();
        final List<Integer> checkpoints = new ArrayList<>();
        int evaluated;

        @Override
        public void onPlan(DatasetFineTuning.Plan p) {
            plan = p;
        }

        @Override
        public void onStep(int step, int total, float loss) {
            steps.add(step);
        }

        @Override
        public void onCheckpoint(int step, Path dir) {
            checkpoints.add(step);
        }

        @Override
        public void onEvaluation(int done, int total) {
            evaluated = done;
        }
    }
}
