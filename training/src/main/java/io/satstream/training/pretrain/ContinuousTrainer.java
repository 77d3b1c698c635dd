package io.satstream.training.pretrain;

import ai.djl.ndarray.NDManager;
import io.satstream.inference.Evaluation;
import io.satstream.inference.InputSpec;
import io.satstream.modelstore.InputSpecJson;
import io.satstream.modelstore.ManifestDraft;
import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelStore;
import io.satstream.modelstore.events.ModelEvents;
import io.satstream.schemas.ModelEvent;
import io.satstream.schemas.ModelEventType;
import io.satstream.training.LabeledSampleSource;
import io.satstream.training.SegmentationNet;
import io.satstream.training.SupervisedTrainer;
import io.satstream.training.TrainedManifests;
import io.satstream.training.TrainedModel;
import io.satstream.training.TrainingOptions;
import io.satstream.training.buffer.PretrainingBuffer;
import io.satstream.training.buffer.SampledBatch;
import io.satstream.training.buffer.StoredTile;
import io.satstream.training.engine.TrainingEngine;
import io.satstream.training.pretext.PretextBatch;
import io.satstream.training.pretext.PretextObjective;
import io.satstream.training.pretext.PretextTrainer;
import io.satstream.training.pretext.TileSample;
import io.satstream.training.pretext.TrainingCheckpoint;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop that keeps a model learning from the stream: pretext steps of one {@link PretextObjective} on batches
 * sampled from the {@link PretrainingBuffer}; every {@code candidateEvery} steps the pretext network is fine-tuned on
 * the labelled pool into a segmentation model, scored on the held-out set through ONNX Runtime and registered in the
 * store as a candidate (parent, objective, pretext steps and the Kafka offsets it learned from in its manifest; a
 * CANDIDATE event); when it beats the serving version's held-out mIoU by {@code promotionDelta} it is promoted and a
 * PROMOTED event goes out, which the running segmentation job follows (hot swap).
 *
 * <p>It starts from its latest checkpoint when {@code checkpointDir} holds one (weights, optimizer state, step count,
 * counters), else warm from the serving version, else from random weights. A checkpoint is written with every
 * candidate. It computes at most {@code dutyCycle} of the wall time. One thread runs it.
 */
public final class ContinuousTrainer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ContinuousTrainer.class);

    /** What one call of {@link #step()} did. */
    public enum StepOutcome {
        /** One pretext step (and, when due, a candidate). */
        TRAINED,
        /** The buffer held nothing within the idle wait. */
        STARVED,
        /** The sampled tiles gave the objective nothing to learn from (no labels for a labelled objective). */
        NOTHING_TO_LEARN
    }

    /** A candidate and what became of it. */
    public record Candidate(ModelManifest manifest, double miou, double servingMiou, boolean promoted) {}

    /** A snapshot for progress lines and metrics. */
    public record Stats(long steps, float lastLoss, long starved, int candidates, int promotions,
            Candidate newest, Integer servingVersion) {}

    private final TrainingEngine engine;
    private final PretrainingBuffer buffer;
    private final ModelStore store;
    private final PretextObjective objective;
    private final InputSpec spec;
    private final List<String> classNames;
    private final LabeledSampleSource fineTunePool;
    private final HeldOutSet heldOut;
    private final Consumer<ModelEvent> events;
    private final ContinuousTrainerOptions options;
    private final Path checkpointDir;
    private final Clock clock;
    private final String publisher;
    private final PretextTrainer pretext;
    private final SegmentationNet.Config servingNet;
    private final Random rnd;
    private final Map<Integer, Double> servingScores = new HashMap<>();
    private final SupervisedTrainer supervised;

    private long starved;
    private int candidates;
    private int promotions;
    private Candidate newest;
    private long offsetMin = Long.MAX_VALUE;
    private long offsetMax = Long.MIN_VALUE;
    private long tilesSampled;

    /**
     * @param events where CANDIDATE and PROMOTED events go (a {@code ModelEventPublisher}'s {@code publish}, or a
     *     collector in tests)
     * @param publisher names this trainer in the events it publishes
     */
    public ContinuousTrainer(TrainingEngine engine, PretrainingBuffer buffer, ModelStore store,
            PretextObjective objective, InputSpec spec, List<String> classNames, LabeledSampleSource fineTunePool,
            HeldOutSet heldOut, Consumer<ModelEvent> events, ContinuousTrainerOptions options, Path checkpointDir,
            Clock clock, String publisher) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.buffer = Objects.requireNonNull(buffer, "buffer");
        this.store = Objects.requireNonNull(store, "store");
        this.objective = Objects.requireNonNull(objective, "objective");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.classNames = List.copyOf(classNames);
        this.fineTunePool = Objects.requireNonNull(fineTunePool, "fineTunePool");
        this.heldOut = Objects.requireNonNull(heldOut, "heldOut");
        this.events = Objects.requireNonNull(events, "events");
        this.options = Objects.requireNonNull(options, "options");
        this.checkpointDir = Objects.requireNonNull(checkpointDir, "checkpointDir");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.supervised = new SupervisedTrainer(engine);
        this.rnd = new Random(options.seed());
        Optional<Integer> serving = store.servingVersion(options.modelName());
        int base = serving.flatMap(v -> store.manifest(options.modelName(), v))
                .map(m -> m.network().get("baseChannels"))
                .filter(Number.class::isInstance).map(n -> ((Number) n).intValue())
                .orElse(options.baseChannels());
        this.servingNet = new SegmentationNet.Config(spec.channels(), classNames.size(), base);
        if (TrainingCheckpoint.exists(checkpointDir)) {
            TrainingCheckpoint latest = TrainingCheckpoint.readLatest(checkpointDir);
            pretext = PretextTrainer.resume(engine, objective, latest, checkpointDir);
            Map<String, Object> extra = latest.extra();
            candidates = ((Number) extra.getOrDefault("candidates", 0)).intValue();
            promotions = ((Number) extra.getOrDefault("promotions", 0)).intValue();
            LOG.info("pretraining ({}) resumes from its checkpoint at step {}", objective.name(), pretext.steps());
        } else {
            byte[] parent = serving.map(v -> store.load(options.modelName(), v).onnx()).orElse(null);
            pretext = new PretextTrainer(engine, objective, objective.network(spec.channels(), classNames.size(),
                    base), options.learningRate(), (int) options.seed(), parent);
            LOG.info("pretraining ({}) starts {}", objective.name(), parent == null ? "from random weights"
                    : "warm from " + options.modelName() + "@" + serving.get());
        }
    }

    /** One pretext step on a sampled batch, and a candidate when one is due. */
    public StepOutcome step() {
        long started = System.nanoTime();
        List<TileSample> tiles;
        try (NDManager stepManager = engine.newManager()) {
            Optional<SampledBatch> sampled;
            try {
                sampled = buffer.awaitSample(stepManager, options.batchSize(), options.idleWait());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return StepOutcome.STARVED;
            }
            if (sampled.isEmpty()) {
                starved++;
                return StepOutcome.STARVED;
            }
            try (SampledBatch batch = sampled.get()) {
                tiles = BufferTiles.of(batch, spec);
                for (StoredTile t : batch.tiles()) {
                    if (t.offset() >= 0) {
                        offsetMin = Math.min(offsetMin, t.offset());
                        offsetMax = Math.max(offsetMax, t.offset());
                    }
                }
                tilesSampled += batch.size();
            }
        }
        Optional<PretextBatch> batch = objective.batch(tiles, rnd);
        if (batch.isEmpty()) {
            return StepOutcome.NOTHING_TO_LEARN;
        }
        pretext.step(batch.get());
        if (pretext.steps() % options.candidateEvery() == 0) {
            candidate();
        }
        rest(System.nanoTime() - started);
        return StepOutcome.TRAINED;
    }

    /** Fine-tunes the pretext network into a candidate now, registers it and promotes it if it is better. */
    public Candidate candidate() {
        byte[] pretextOnnx = pretext.exportOnnx();
        TrainingOptions ft = new TrainingOptions(options.fineTuneSteps(), options.fineTuneBatch(),
                options.fineTuneCrop(), options.fineTuneLearningRate(), options.seed() + candidates);
        Optional<Integer> serving = store.servingVersion(options.modelName());
        ModelManifest manifest;
        double miou;
        try (TrainedModel tuned = supervised.train(servingNet, spec, fineTunePool, ft, (s, n, l) -> { },
                pretextOnnx)) {
            Evaluation eval = heldOut.evaluate(tuned.onnx());
            miou = eval.miou();
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("miou", miou);
            metrics.put("pixel_accuracy", eval.pixelAccuracy());
            metrics.put("heldout_samples", (double) heldOut.size());
            metrics.put("pretext_steps", (double) pretext.steps());
            metrics.put("pretext_loss", (double) pretext.lastLoss());
            metrics.put("fine_tune_steps", (double) options.fineTuneSteps());
            metrics.put("fine_tune_loss", tuned.metrics().get("train_loss"));
            metrics.put("tiles_sampled", (double) tilesSampled);
            if (offsetMin <= offsetMax) {
                metrics.put("kafka_offset_min", (double) offsetMin);
                metrics.put("kafka_offset_max", (double) offsetMax);
            }
            manifest = store.register(options.modelName(), tuned.onnx(), new ManifestDraft(serving.orElse(null),
                    objective.name(), InputSpecJson.of(spec), classNames, metrics, TrainedManifests.network(servingNet)));
        }
        candidates++;
        offsetMin = Long.MAX_VALUE;
        offsetMax = Long.MIN_VALUE;
        tilesSampled = 0;
        events.accept(ModelEvents.of(store, manifest, ModelEventType.CANDIDATE, objective.name() + " candidate after "
                + pretext.steps() + " pretext steps: held-out mIoU " + format(miou), publisher, clock));
        double servingMiou = serving.map(this::servingScore).orElse(Double.NEGATIVE_INFINITY);
        boolean promote = miou >= servingMiou + options.promotionDelta();
        if (promote) {
            store.promote(options.modelName(), manifest.version());
            promotions++;
            events.accept(ModelEvents.of(store, manifest, ModelEventType.PROMOTED, "promoted by the " + objective.name()
                    + " trainer: held-out mIoU " + format(miou) + " vs " + format(servingMiou) + " of the serving"
                    + " version", publisher, clock));
        }
        newest = new Candidate(manifest, miou, servingMiou, promote);
        LOG.info("candidate {} ({}): held-out mIoU {} vs serving {}{}", manifest.ref(), objective.name(), format(miou),
                format(servingMiou), promote ? ": promoted" : "");
        pretext.checkpoint(checkpointDir, Map.of("candidates", candidates, "promotions", promotions));
        return newest;
    }

    /** The held-out mIoU of a stored version, computed once per version. */
    private double servingScore(int version) {
        return servingScores.computeIfAbsent(version,
                v -> heldOut.evaluate(store.load(options.modelName(), v).onnx()).miou());
    }

    private void rest(long computedNanos) {
        double d = options.dutyCycle();
        if (d >= 1) {
            return;
        }
        long restNanos = (long) (computedNanos * (1 / d - 1));
        try {
            Thread.sleep(restNanos / 1_000_000, (int) (restNanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Stats stats() {
        return new Stats(pretext.steps(), pretext.lastLoss(), starved, candidates, promotions, newest,
                store.servingVersion(options.modelName()).orElse(null));
    }

    public PretextTrainer pretext() {
        return pretext;
    }

    private static String format(double v) {
        return Double.isInfinite(v) ? "none" : String.format(Locale.ROOT, "%.3f", v);
    }

    @Override
    public void close() {
        pretext.close();
    }
}
