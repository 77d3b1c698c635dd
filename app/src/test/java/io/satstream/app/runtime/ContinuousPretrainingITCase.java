package io.satstream.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.inference.InputSpec;
import io.satstream.ingest.TileProducer;
import io.satstream.ingest.synthetic.SyntheticFeed;
import io.satstream.ingest.synthetic.SyntheticSceneGenerator;
import io.satstream.jobs.SegmentationJob;
import io.satstream.jobs.SegmentationJobConfig;
import io.satstream.jobs.pretrain.TileAdmission;
import io.satstream.kafka.SatstreamTopics;
import io.satstream.kafka.testing.KafkaTestBroker;
import io.satstream.kafka.testing.TopicContents;
import io.satstream.modelstore.InputSpecJson;
import io.satstream.modelstore.ManifestDraft;
import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelStore;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.Headers;
import io.satstream.schemas.ModelEvent;
import io.satstream.schemas.ModelEventType;
import io.satstream.training.LabeledSample;
import io.satstream.training.LabeledSampleSource;
import io.satstream.training.OnnxExporter;
import io.satstream.training.SegmentationNet;
import io.satstream.training.TrainedManifests;
import io.satstream.training.buffer.BufferOptions;
import io.satstream.training.pretext.SopOptions;
import io.satstream.training.pretext.SubimageOverlapPrediction;
import io.satstream.training.pretrain.ContinuousTrainerOptions;
import io.satstream.training.pretrain.HeldOutSet;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop in one process, on the real broker and an embedded Flink cluster: synthetic labelled tiles feed the
 * segmentation job and the pretraining job; the pretraining job fills the buffer; the trainer (Subimage Overlap
 * Prediction) registers candidates with complete manifests; one beats the untrained serving version, a PROMOTED
 * event lands on {@code model-events}, and the running segmentation job serves that version; after a restart the
 * trainer continues from its checkpoint's step count.
 */
class ContinuousPretrainingITCase {
    private static final int TILE = 64;
    private static final Duration WAIT = Duration.ofMinutes(6);

    @TempDir
    Path tmp;

    @Test
    void candidatesArePromotedAndServedAndTheTrainerResumes() throws Exception {
        String bootstrap = KafkaTestBroker.bootstrapServers();
        String run = "loop-" + UUID.randomUUID().toString().substring(0, 8);
        SatstreamTopics.Names topics = new SatstreamTopics.Names("tiles-" + run, "segmentations-" + run,
                "model-events-" + run, "tiles-dlq-" + run, "features-" + run);
        SatstreamTopics.ensure(bootstrap, topics, 2);
        List<String> classes = SyntheticSceneGenerator.CLASS_NAMES;
        InputSpec spec = InputSpec.rgbUint8(TILE);
        Path storeRoot = tmp.resolve("models");
        ModelStore store = ModelStore.open(storeRoot);
        SegmentationNet.Config net = new SegmentationNet.Config(3, classes.size(), 8);
        ModelManifest v1 = store.register("unet", OnnxExporter.exportInitialised(new SegmentationNet(net)),
                new ManifestDraft(null, "untrained", InputSpecJson.of(spec), classes, Map.of(),
                        TrainedManifests.network(net)));
        store.promote("unet", v1.version());

        SyntheticSceneGenerator generator = new SyntheticSceneGenerator(7, TILE);
        LabeledSampleSource pool = rnd -> {
            var scene = generator.generate(rnd.nextLong() & Long.MAX_VALUE);
            return new LabeledSample(scene.rgbPlanar(), scene.labels(), scene.width(), scene.height());
        };
        Random held = new Random(99);
        List<LabeledSample> heldOut = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            heldOut.add(pool.next(held));
        }
        PretrainingRuntime.Settings settings = new PretrainingRuntime.Settings(bootstrap, topics.tiles(),
                topics.modelEvents(), run + "-pretrain", storeRoot,
                new SubimageOverlapPrediction(SopOptions.defaults()), spec, classes, pool,
                new HeldOutSet(heldOut, spec, classes.size(), TILE),
                BufferOptions.builder().slotSize(TILE).bands(3).maxTiles(256).build(),
                ContinuousTrainerOptions.builder().batchSize(4).candidateEvery(4).fineTuneSteps(20).fineTuneBatch(4)
                        .fineTuneCrop(TILE).fineTuneLearningRate(3e-3f).dutyCycle(1)
                        .idleWait(Duration.ofSeconds(2)).build(),
                TileAdmission.Thresholds.defaults(), tmp.resolve("pretrain-checkpoints"), "it-trainer");

        AtomicBoolean feeding = new AtomicBoolean(true);
        try (EmbeddedFlink flink = EmbeddedFlink.start(0, 3, tmp.resolve("flink"));
                TileProducer producer = new TileProducer(bootstrap, topics.tiles());
                SyntheticFeed feed = new SyntheticFeed(run, 11, TILE, -1)) {
            SegmentationJobConfig cfg = SegmentationJobLauncher.config(bootstrap, topics, storeRoot, "unet",
                    "onnxruntime", 1, 4, false, Duration.ofMillis(500), Duration.ZERO)
                    .groupId(run).transactionalIdPrefix(run).build();
            JobClient segmentation = flink.submit(SegmentationJob.JOB_NAME, env -> {
                SegmentationJob.configureEnvironment(env, cfg);
                SegmentationJob.build(env, cfg);
            });
            Thread feeder = new Thread(() -> {
                while (feeding.get()) {
                    feed.next().ifPresent(producer::send);
                    producer.flush();
                    sleep(100);
                }
            }, "feed");
            feeder.start();
            long stepsBeforeRestart;
            int promoted;
            try {
                PretrainingRuntime pretraining = PretrainingRuntime.start(flink, settings);
                try {
                    await("two candidates and a promotion", () -> {
                        assertThat(pretraining.failure()).isNull();
                        var s = pretraining.status().trainer();
                        return s.candidates() >= 2 && s.promotions() >= 1;
                    });
                    assertThat(pretraining.status().buffer().admitted()).isPositive();
                } finally {
                    pretraining.close();
                }
                // The trainer's last state (it stops after the step or candidate it was on).
                stepsBeforeRestart = pretraining.status().trainer().steps();
                List<ModelManifest> versions = store.list("unet");
                assertThat(versions.size()).isGreaterThanOrEqualTo(3);
                for (ModelManifest candidate : versions.subList(1, versions.size())) {
                    assertThat(candidate.objective()).isEqualTo("sop");
                    assertThat(candidate.parent()).isNotNull();
                    assertThat(candidate.classNames()).isEqualTo(classes);
                    assertThat(candidate.files()).containsKey(ModelManifest.MODEL_FILE);
                    assertThat(candidate.metrics()).containsKeys("miou", "pixel_accuracy", "pretext_steps",
                            "fine_tune_steps", "kafka_offset_min", "kafka_offset_max");
                }
                List<ModelEvent> events = TopicContents.uncommitted(bootstrap, topics.modelEvents()).stream()
                        .map(r -> AvroCodec.modelEvent().decode(r.value())).toList();
                assertThat(events).filteredOn(e -> e.getType() == ModelEventType.CANDIDATE).hasSizeGreaterThanOrEqualTo(2);
                Optional<ModelEvent> promotion = events.stream()
                        .filter(e -> e.getType() == ModelEventType.PROMOTED).reduce((a, b) -> b);
                assertThat(promotion).isPresent();
                promoted = promotion.get().getVersion();
                assertThat(store.servingVersion("unet")).contains(promoted);

                // The running segmentation job swaps to the promoted version.
                String served = "unet@" + promoted;
                await("segmentations by " + served, () -> TopicContents.committed(bootstrap, topics.segmentations())
                        .stream().anyMatch(r -> served.equals(header(r, Headers.MODEL_VERSION))));

                // A restart continues from the checkpoint: the step count goes on from where it was saved.
                try (PretrainingRuntime again = PretrainingRuntime.start(flink, settings)) {
                    long resumedAt = again.status().trainer().steps();
                    // Checkpoints are written with every candidate, i.e. every 4 steps.
                    assertThat(resumedAt).isPositive().isEqualTo((stepsBeforeRestart / 4) * 4);
                    await("steps after the restart", () -> again.status().trainer().steps() > resumedAt);
                }
            } finally {
                feeding.set(false);
                feeder.join(10_000);
                flink.cancel(segmentation, Duration.ofSeconds(30));
            }
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + WAIT + " waiting for " + what);
            }
            sleep(500);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
