package io.satstream.app.runtime;

import io.satstream.inference.InputSpec;
import io.satstream.ingest.synthetic.SyntheticSceneGenerator;
import io.satstream.jobs.pretrain.TileAdmission;
import io.satstream.kafka.SatstreamTopics;
import io.satstream.modelstore.ModelStore;
import io.satstream.training.LabeledSample;
import io.satstream.training.LabeledSampleSource;
import io.satstream.training.buffer.BufferOptions;
import io.satstream.training.pretext.NoisyLabels;
import io.satstream.training.pretext.PretextObjective;
import io.satstream.training.pretext.SopOptions;
import io.satstream.training.pretext.SubimageOverlapPrediction;
import io.satstream.training.pretrain.ContinuousTrainer;
import io.satstream.training.pretrain.ContinuousTrainerOptions;
import io.satstream.training.pretrain.HeldOutSet;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * How continuous pretraining runs: the options {@code demo} and {@code job pretrain} share, validated in one place,
 * and the {@link PretrainingRuntime.Settings} they make. Labelled data for fine-tuning and the held-out score come
 * from the synthetic scene generator (the one labelled source every install has; its seeds differ from the demo
 * feed's, so held-out scenes are never fed).
 */
public final class PretrainingOptions {
    public static final String SOP = SubimageOverlapPrediction.NAME;
    public static final String NOISY = NoisyLabels.NAME;
    /** Seeds of the labelled pool and the held-out set: not the feed's. */
    static final long POOL_SEED = 0x5A7_0001L;
    static final long HELD_OUT_SEED = 0x5A7_0002L;
    static final int HELD_OUT_SAMPLES = 16;

    @Option(names = "--objective", paramLabel = "NAME", defaultValue = SOP,
            description = "pretraining objective: sop (Subimage Overlap Prediction) or noisy (supervised on the labels"
                    + " tiles carry) (default: ${DEFAULT-VALUE})")
    private String objective;

    @Option(names = "--candidate-every", paramLabel = "N", defaultValue = "200",
            description = "pretext steps between two candidates (default: ${DEFAULT-VALUE})")
    private int candidateEvery;

    @Option(names = "--fine-tune-steps", paramLabel = "N", defaultValue = "100",
            description = "supervised steps that turn the pretext network into a candidate (default: ${DEFAULT-VALUE})")
    private int fineTuneSteps;

    @Option(names = "--promotion-delta", paramLabel = "X", defaultValue = "0.01",
            description = "promote a candidate whose held-out mIoU beats the serving version's by at least this"
                    + " (default: ${DEFAULT-VALUE})")
    private double promotionDelta;

    @Option(names = "--duty-cycle", paramLabel = "X", defaultValue = "0.5",
            description = "share of wall time the trainer may compute, so that it leaves the segmentation job its"
                    + " share of a CPU (default: ${DEFAULT-VALUE})")
    private double dutyCycle;

    @Option(names = "--buffer-tiles", paramLabel = "N", defaultValue = "2048",
            description = "pretraining buffer capacity in tiles (128 x 128 crops; default: ${DEFAULT-VALUE})")
    private int bufferTiles;

    /** Throws a one-line {@link ParameterException} for the first bad value. */
    public void validate(CommandLine commandLine) {
        if (!List.of(SOP, NOISY).contains(objective)) {
            throw new ParameterException(commandLine, "--objective must be sop or noisy, got " + objective);
        }
        if (candidateEvery < 1) {
            throw new ParameterException(commandLine, "--candidate-every must be >= 1, got " + candidateEvery);
        }
        if (fineTuneSteps < 1) {
            throw new ParameterException(commandLine, "--fine-tune-steps must be >= 1, got " + fineTuneSteps);
        }
        if (!(promotionDelta >= 0) || Double.isInfinite(promotionDelta)) {
            throw new ParameterException(commandLine, "--promotion-delta must be >= 0, got " + promotionDelta);
        }
        if (!(dutyCycle > 0 && dutyCycle <= 1)) {
            throw new ParameterException(commandLine, "--duty-cycle must be in (0, 1], got " + dutyCycle);
        }
        if (bufferTiles < 1) {
            throw new ParameterException(commandLine, "--buffer-tiles must be >= 1, got " + bufferTiles);
        }
    }

    public String objective() {
        return objective;
    }

    /**
     * Settings for pretraining {@code modelName} in the store at {@code storeRoot} from the tiles of {@code topics},
     * with the synthetic scenes' classes and the demo's input spec; checkpoints under {@code checkpointDir}.
     *
     * @throws IllegalStateException when the serving version takes other bands or classes than the synthetic
     *     labelled scenes have: its candidates could not replace it
     */
    public PretrainingRuntime.Settings settings(String bootstrap, SatstreamTopics.Names topics, String groupId,
            Path storeRoot, String modelName, Path checkpointDir) {
        int tile = FirstModelBootstrap.TILE_SIZE;
        int crop = BufferOptions.DEFAULT_SLOT_SIZE;
        InputSpec spec = InputSpec.rgbUint8(tile);
        List<String> classes = SyntheticSceneGenerator.CLASS_NAMES;
        ModelStore store = ModelStore.open(storeRoot);
        store.servingVersion(modelName).flatMap(v -> store.manifest(modelName, v)).ifPresent(serving -> {
            if (!serving.classNames().equals(classes) || !serving.toInputSpec().bands().equals(spec.bands())) {
                throw new IllegalStateException("the serving version " + serving.ref() + " (bands "
                        + serving.toInputSpec().bands() + ", classes " + serving.classNames() + ") does not fit the"
                        + " labelled scenes pretraining fine-tunes on (bands " + spec.bands() + ", classes " + classes
                        + ")");
            }
        });
        PretextObjective pretext = objective.equals(NOISY) ? new NoisyLabels(classes.size())
                : new SubimageOverlapPrediction(SopOptions.defaults());
        return new PretrainingRuntime.Settings(bootstrap, topics.tiles(), topics.modelEvents(), groupId, storeRoot,
                pretext, spec, classes, syntheticPool(tile), syntheticHeldOut(spec, tile, crop),
                BufferOptions.builder().slotSize(crop).bands(3).maxTiles(bufferTiles).build(),
                ContinuousTrainerOptions.builder().modelName(modelName).candidateEvery(candidateEvery)
                        .fineTuneSteps(fineTuneSteps).fineTuneCrop(crop).promotionDelta(promotionDelta)
                        .dutyCycle(dutyCycle).build(),
                TileAdmission.Thresholds.defaults(), checkpointDir, "satstream-trainer@" + host());
    }

    static LabeledSampleSource syntheticPool(int tile) {
        SyntheticSceneGenerator generator = new SyntheticSceneGenerator(POOL_SEED, tile);
        return rnd -> {
            var scene = generator.generate(rnd.nextLong() & Long.MAX_VALUE);
            return new LabeledSample(scene.rgbPlanar(), scene.labels(), scene.width(), scene.height());
        };
    }

    static HeldOutSet syntheticHeldOut(InputSpec spec, int tile, int crop) {
        SyntheticSceneGenerator generator = new SyntheticSceneGenerator(HELD_OUT_SEED, tile);
        Random rnd = new Random(HELD_OUT_SEED);
        List<LabeledSample> samples = new ArrayList<>();
        for (int i = 0; i < HELD_OUT_SAMPLES; i++) {
            var scene = generator.generate(rnd.nextLong() & Long.MAX_VALUE);
            samples.add(new LabeledSample(scene.rgbPlanar(), scene.labels(), scene.width(), scene.height()));
        }
        return new HeldOutSet(samples, spec, SyntheticSceneGenerator.CLASS_NAMES.size(), crop);
    }

    private static String host() {
        String h = System.getenv("HOSTNAME");
        return h == null || h.isBlank() ? "localhost" : h;
    }

    /**
     * The pretraining part of a status line: buffer fill, step and loss, candidates and the newest one's held-out
     * mIoU against the serving version's.
     */
    public static String status(PretrainingRuntime.Status s) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "buffer %d/%d", s.buffer().fill(), s.buffer().capacity()));
        ContinuousTrainer.Stats t = s.trainer();
        if (t != null) {
            b.append(String.format(Locale.ROOT, " | step %d loss %.3f | candidates %d", t.steps(), t.lastLoss(),
                    t.candidates()));
            ContinuousTrainer.Candidate c = t.newest();
            if (c != null) {
                b.append(String.format(Locale.ROOT, " (newest %s mIoU %.3f vs serving %s%s)", c.manifest().ref(),
                        c.miou(), Double.isInfinite(c.servingMiou()) ? "none" : String.format(Locale.ROOT, "%.3f",
                        c.servingMiou()), c.promoted() ? ", promoted" : ""));
            }
        }
        return b.toString();
    }
}
