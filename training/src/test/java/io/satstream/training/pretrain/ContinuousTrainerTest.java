package io.satstream.training.pretrain;

import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.inference.InputSpec;
import io.satstream.modelstore.InputSpecJson;
import io.satstream.modelstore.ManifestDraft;
import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelStore;
import io.satstream.schemas.ModelEvent;
import io.satstream.schemas.ModelEventType;
import io.satstream.training.LabeledSample;
import io.satstream.training.OnnxExporter;
import io.satstream.training.SegmentationNet;
import io.satstream.training.SyntheticBlobs;
import io.satstream.training.TrainedManifests;
import io.satstream.training.buffer.BufferEntry;
import io.satstream.training.buffer.BufferOptions;
import io.satstream.training.buffer.PretrainingBuffer;
import io.satstream.training.engine.TrainingEngine;
import io.satstream.training.pretext.NoisyLabels;
import io.satstream.training.pretext.PretextObjective;
import io.satstream.training.pretext.SopOptions;
import io.satstream.training.pretext.SubimageOverlapPrediction;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The continuous trainer on a real buffer and a real store (no Kafka): it learns from buffer batches, registers
 * candidates with complete manifests and CANDIDATE events, promotes one that beats the serving version on the
 * held-out set (PROMOTED event, store's serving version moves), and after a restart continues from its checkpoint
 * with its step and candidate counts.
 */
class ContinuousTrainerTest {

    private static final int S = 32;
    private static final List<String> CLASSES = List.of("ground", "grey", "bright");
    /** Dark ground, grey and bright rectangles, noise, and a one-pixel ignore border. */
    private static final SyntheticBlobs BLOBS = new SyntheticBlobs(S);

    @TempDir
    Path tmp;

    @Test
    void candidatesAreRegisteredPromotedWhenBetterAndTheTrainerResumesFromItsCheckpoint() {
        ModelStore store = ModelStore.open(tmp.resolve("models"));
        InputSpec spec = InputSpec.rgbUint8(S);
        SegmentationNet.Config servingNet = new SegmentationNet.Config(3, CLASSES.size(), 4);
        // An untrained serving version: a fine-tuned candidate beats it.
        ModelManifest v1 = store.register("unet", OnnxExporter.exportInitialised(new SegmentationNet(servingNet)),
                new ManifestDraft(null, "test", InputSpecJson.of(spec), CLASSES, Map.of(),
                        TrainedManifests.network(servingNet)));
        store.promote("unet", v1.version());
        Random rnd = new Random(3);
        List<LabeledSample> heldOut = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            heldOut.add(BLOBS.next(rnd));
        }
        List<ModelEvent> events = new ArrayList<>();
        ContinuousTrainerOptions options = ContinuousTrainerOptions.builder().batchSize(4).candidateEvery(8)
                .fineTuneSteps(30).fineTuneBatch(4).fineTuneCrop(S).fineTuneLearningRate(3e-3f).dutyCycle(1)
                .idleWait(Duration.ofSeconds(5)).baseChannels(4).build();
        Path checkpoints = tmp.resolve("checkpoints");
        PretextObjective noisy = new NoisyLabels(CLASSES.size());

        try (PretrainingBuffer buffer = buffer()) {
            feed(buffer, 40, rnd);
            try (ContinuousTrainer trainer = trainer(buffer, store, noisy, spec, heldOut, events, options,
                    checkpoints)) {
                for (int i = 0; i < 16; i++) {
                    assertThat(trainer.step()).isEqualTo(ContinuousTrainer.StepOutcome.TRAINED);
                }
                ContinuousTrainer.Stats stats = trainer.stats();
                assertThat(stats.steps()).isEqualTo(16);
                assertThat(stats.candidates()).isEqualTo(2);
                assertThat(stats.promotions()).isGreaterThanOrEqualTo(1);
            }

            List<ModelManifest> versions = store.list("unet");
            assertThat(versions).hasSize(3);
            ModelManifest first = versions.get(1);
            assertThat(first.objective()).isEqualTo(NoisyLabels.NAME);
            assertThat(first.parent()).isEqualTo(1);
            assertThat(first.classNames()).isEqualTo(CLASSES);
            assertThat(first.metrics()).containsKeys("miou", "pixel_accuracy", "pretext_steps", "pretext_loss",
                    "fine_tune_steps", "tiles_sampled", "kafka_offset_min", "kafka_offset_max");
            assertThat(first.metrics().get("pretext_steps")).isEqualTo(8.0);
            assertThat(first.metrics().get("kafka_offset_min")).isBetween(0.0, 39.0);
            assertThat(first.network()).containsEntry("baseChannels", 4);
            assertThat(events).filteredOn(e -> e.getType() == ModelEventType.CANDIDATE)
                    .extracting(ModelEvent::getVersion).containsExactly(2, 3);
            List<ModelEvent> promoted = events.stream().filter(e -> e.getType() == ModelEventType.PROMOTED).toList();
            assertThat(promoted).isNotEmpty();
            assertThat(store.servingVersion("unet")).contains(promoted.get(promoted.size() - 1).getVersion());
            // The first candidate's score against the untrained serving version was the reason for its promotion.
            assertThat(first.metrics().get("miou")).isGreaterThan(0.34);

            // A restart: the same checkpoint folder, a new trainer.
            try (ContinuousTrainer again = trainer(buffer, store, noisy, spec, heldOut, events, options,
                    checkpoints)) {
                assertThat(again.stats().steps()).isEqualTo(16);
                assertThat(again.stats().candidates()).isEqualTo(2);
                for (int i = 0; i < 8; i++) {
                    again.step();
                }
                assertThat(again.stats().steps()).isEqualTo(24);
                assertThat(again.stats().candidates()).isEqualTo(3);
                assertThat(store.list("unet").get(3).metrics().get("pretext_steps")).isEqualTo(24.0);
            }
        }
    }

    @Test
    void sopCandidatesAreFineTunedFromTheCropConditionedNetwork() {
        ModelStore store = ModelStore.open(tmp.resolve("models"));
        InputSpec spec = InputSpec.rgbUint8(S);
        Random rnd = new Random(5);
        List<LabeledSample> heldOut = List.of(BLOBS.next(rnd), BLOBS.next(rnd));
        List<ModelEvent> events = new ArrayList<>();
        ContinuousTrainerOptions options = ContinuousTrainerOptions.builder().batchSize(4).candidateEvery(4)
                .fineTuneSteps(5).fineTuneCrop(S).dutyCycle(1).idleWait(Duration.ofSeconds(5)).baseChannels(4).build();
        try (PretrainingBuffer buffer = buffer()) {
            feed(buffer, 10, rnd);
            try (ContinuousTrainer trainer = trainer(buffer, store, new SubimageOverlapPrediction(
                    SopOptions.defaults()), spec, heldOut, events, options, tmp.resolve("cp"))) {
                for (int i = 0; i < 4; i++) {
                    trainer.step();
                }
                // No serving version yet: the candidate is the first version and becomes the serving one.
                assertThat(trainer.stats().newest().promoted()).isTrue();
            }
        }
        ModelManifest v1 = store.manifest("unet", 1).orElseThrow();
        assertThat(v1.objective()).isEqualTo("sop");
        assertThat(v1.parent()).isNull();
        assertThat(v1.network()).containsEntry("inChannels", 3).containsEntry("numClasses", 3);
        assertThat(store.servingVersion("unet")).contains(1);
    }

    @Test
    void anEmptyBufferIsStarvationNotAStep() {
        ModelStore store = ModelStore.open(tmp.resolve("models"));
        InputSpec spec = InputSpec.rgbUint8(S);
        List<LabeledSample> heldOut = List.of(BLOBS.next(new Random(1)));
        ContinuousTrainerOptions options = ContinuousTrainerOptions.builder().fineTuneCrop(S)
                .idleWait(Duration.ofMillis(50)).baseChannels(4).build();
        try (PretrainingBuffer buffer = buffer();
                ContinuousTrainer trainer = trainer(buffer, store, new NoisyLabels(3), spec, heldOut,
                        new ArrayList<>(), options, tmp.resolve("cp"))) {
            assertThat(trainer.step()).isEqualTo(ContinuousTrainer.StepOutcome.STARVED);
            assertThat(trainer.stats().starved()).isEqualTo(1);
            assertThat(trainer.stats().steps()).isZero();
        }
    }

    private static PretrainingBuffer buffer() {
        return new PretrainingBuffer(BufferOptions.builder().slotSize(S).bands(3).maxTiles(64).stagingCapacity(64)
                .build(), TrainingEngine.shared(), InstantSource.system());
    }

    private static void feed(PretrainingBuffer buffer, int n, Random rnd) {
        for (int i = 0; i < n; i++) {
            LabeledSample s = BLOBS.next(rnd);
            buffer.offer(new BufferEntry("t" + i, 0, i, S, S, 3, s.planarUint8(), s.labels()));
        }
    }

    private static ContinuousTrainer trainer(PretrainingBuffer buffer, ModelStore store, PretextObjective objective,
            InputSpec spec, List<LabeledSample> heldOut, List<ModelEvent> events, ContinuousTrainerOptions options,
            Path checkpoints) {
        return new ContinuousTrainer(TrainingEngine.shared(), buffer, store, objective, spec, CLASSES,
                BLOBS, new HeldOutSet(heldOut, spec, CLASSES.size(), S), events::add, options,
                checkpoints, Clock.systemUTC(), "test");
    }
}
