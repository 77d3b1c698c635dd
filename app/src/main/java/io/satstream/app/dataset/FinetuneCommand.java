package io.satstream.app.dataset;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import io.satstream.app.ConsoleProgress;
import io.satstream.app.models.ModelSelection;
import io.satstream.app.models.ModelStoreOptions;
import io.satstream.app.models.VersionArg;
import io.satstream.modelstore.ModelNames;
import io.satstream.modelstore.ModelStore;
import io.satstream.training.SegmentationNet;
import io.satstream.training.SupervisedTrainer;
import io.satstream.training.TrainingOptions;
import io.satstream.training.dataset.DatasetFineTuning;
import io.satstream.training.dataset.FineTuneCheckpoints;
import io.satstream.training.dataset.FineTuneRequest;
import io.satstream.training.dataset.StartFrom;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code satstream finetune --dataset DIR}: trains a candidate version for a labelled dataset's classes. */
@Command(name = "finetune",
        mixinStandardHelpOptions = true,
        description = {
            "Fine-tunes a model on a labelled dataset and registers it as a candidate version (never serving).",
            "The dataset's pairs split by a hash of their names: about a fifth validate, the rest train (at"
                    + " --label-fraction, a fixed subset of them). Training takes random crops of the training images;"
                    + " the result is measured through ONNX Runtime on the whole validation images (per-class IoU,"
                    + " mIoU, pixel accuracy, recorded in the manifest).",
            "It starts from --from, else from the serving version of the model when that takes the images' bands,"
                    + " else from scratch; the output says which. A head for another class count starts fresh.",
            "A checkpoint is kept every --checkpoint-every steps in <work-dir>/finetune/<run> (with --store:"
                    + " ./satstream-data/finetune); after an interruption the same command with --resume continues"
                    + " from its weights and step count. Adam's moment estimates are not checkpointed and start"
                    + " afresh, so a resumed run is not bit-identical to an uninterrupted one.%n"
        })
public final class FinetuneCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private DatasetOptions dataset;

    @Mixin
    private ModelStoreOptions storeOptions;

    @Option(names = "--from", paramLabel = "V", converter = VersionArg.Converter.class,
            description = "start from this version: N (of --name) or NAME@N (default: the serving version of --name"
                    + " if it takes the images' bands, else scratch)")
    private VersionArg from;

    @Option(names = "--scratch", description = "start from random weights")
    private boolean scratch;

    @Option(names = "--name", paramLabel = "MODEL",
            description = "the model the new version is registered under (default: the model of --from, else "
                    + ModelSelection.DEFAULT_MODEL + ")")
    private String name;

    @Option(names = "--label-fraction", paramLabel = "F", defaultValue = "1",
            description = "share of the training pairs to train on, in (0, 1] (default: ${DEFAULT-VALUE})")
    private double labelFraction;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "200",
            description = "Adam steps (default: ${DEFAULT-VALUE})")
    private int steps;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "8",
            description = "crops per step (default: ${DEFAULT-VALUE})")
    private int batchSize;

    @Option(names = "--crop", paramLabel = "PX", defaultValue = "128",
            description = "square training crop, a multiple of 4 no larger than any training image (default:"
                    + " ${DEFAULT-VALUE})")
    private int crop;

    @Option(names = "--lr", paramLabel = "X", defaultValue = "0.002",
            description = "Adam learning rate (default: ${DEFAULT-VALUE})")
    private float learningRate;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "seed of the crops and the initial weights (default: ${DEFAULT-VALUE})")
    private long seed;

    @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "50",
            description = "keep a checkpoint every N steps; 0 = none (default: ${DEFAULT-VALUE})")
    private int checkpointEvery;

    @Option(names = "--resume", description = "continue the checkpoint of an interrupted run with the same settings")
    private boolean resume;

    @Override
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        dataset.validate(cmd);
        FineTuneRequest request = request(cmd);

        ModelStore store = storeOptions.openOrCreate();
        FineTuneCheckpoints checkpoints = new FineTuneCheckpoints(storeOptions.workDir().resolve("finetune"));
        PrintWriter out = cmd.getOut();
        Integer servingBefore = store.servingVersion(request.modelName()).orElse(null);
        DatasetFineTuning.Outcome outcome;
        try (ConsoleProgress progress = ConsoleProgress.forConsole(out)) {
            FinetuneReport listener = new FinetuneReport(progress);
            outcome = new DatasetFineTuning(store, checkpoints, new SupervisedTrainer()).run(request, listener);
            listener.finished(outcome, servingBefore, dataset, storeOptions);
        }
        out.flush();
        return 0;
    }

    /** The options as a request; a value out of range is a usage error (one line, exit 2). */
    private FineTuneRequest request(CommandLine cmd) {
        if (!(labelFraction > 0 && labelFraction <= 1)) {
            throw new ParameterException(cmd, "--label-fraction must be in (0, 1], got " + fmt(labelFraction));
        }
        int multiple = 1 << SegmentationNet.LEVELS;
        if (crop < multiple || crop % multiple != 0) {
            throw new ParameterException(cmd, "--crop must be a positive multiple of " + multiple + ", got " + crop);
        }
        positive(cmd, "--steps", steps);
        positive(cmd, "--batch-size", batchSize);
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
            throw new ParameterException(cmd, "--lr must be positive, got " + learningRate);
        }
        if (checkpointEvery < 0) {
            throw new ParameterException(cmd, "--checkpoint-every must be >= 0 (0 = none), got " + checkpointEvery);
        }
        if (resume && checkpointEvery == 0) {
            throw new ParameterException(cmd, "--resume needs checkpoints: drop --checkpoint-every 0");
        }
        if (scratch && from != null) {
            throw new ParameterException(cmd, "--scratch and --from exclude each other");
        }
        if (name != null && !ModelNames.isValid(name)) {
            throw new ParameterException(cmd, "--name: '" + name + "' is not a model name (1-128 letters, digits,"
                    + " '.', '_' or '-', starting with a letter or digit)");
        }
        String model = name != null ? name : from != null && from.name() != null ? from.name()
                : ModelSelection.DEFAULT_MODEL;
        StartFrom start = scratch ? StartFrom.scratch()
                : from != null ? StartFrom.version(from.name() != null ? from.name() : model, from.version())
                : StartFrom.servingOf(model);
        return new FineTuneRequest(dataset.dataset(), dataset.classes(), model, start, labelFraction,
                new TrainingOptions(steps, batchSize, crop, learningRate, seed), checkpointEvery, resume);
    }

    private static void positive(CommandLine cmd, String option, int value) {
        if (value < 1) {
            throw new ParameterException(cmd, option + " must be >= 1, got " + value);
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
