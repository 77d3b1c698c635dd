package io.satstream.app.dataset;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.satstream.app.ConsoleProgress;
import io.satstream.app.models.ModelSelection;
import io.satstream.app.models.ModelStoreOptions;
import io.satstream.app.models.VersionArg;
import io.satstream.modelstore.LoadedModel;
import io.satstream.modelstore.ModelStore;
import io.satstream.training.dataset.DatasetEvaluation;
import io.satstream.training.dataset.Split;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code satstream evaluate --dataset DIR}: how a version segments a labelled dataset. */
@Command(name = "evaluate",
        mixinStandardHelpOptions = true,
        description = {
            "Measures a model version on a labelled dataset: per-class IoU, mIoU, pixel accuracy, confusion matrix.",
            "The version (default: the serving one) runs through ONNX Runtime, as it serves, on each whole image of"
                    + " the split (default: the validation pairs, the ones finetune holds out). An image whose size is"
                    + " not a multiple of the network's (4) is padded by repeating its last row and column, and the"
                    + " padding is not counted: every labelled pixel counts once. Pixels whose mask value the class"
                    + " file lists as ignore, or does not list at all, are left out. mIoU is the mean over the classes"
                    + " present in truth or prediction. The version must answer with the dataset's classes, in the"
                    + " class file's order.",
            "--json prints one object {model, dataset, class_file, split, images, pairs, classes, iou {class: IoU or"
                    + " null}, miou, pixel_accuracy, pixels, ignored_pixels, unknown_pixels,"
                    + " confusion_matrix [truth][predicted], confusion_png (with --png)}; --png writes the confusion"
                    + " matrix as a heat map, each row as shares of its truth pixels.%n"
        })
public final class EvaluateCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private DatasetOptions dataset;

    @Mixin
    private ModelStoreOptions storeOptions;

    @Option(names = "--model", paramLabel = "V", converter = VersionArg.Converter.class,
            description = "the version: N (of --name) or NAME@N (default: the serving version)")
    private VersionArg version;

    @Option(names = "--name", paramLabel = "MODEL",
            description = "the model (default: " + ModelSelection.DEFAULT_MODEL + ", the demo's)")
    private String name;

    @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "validation",
            converter = SplitConverter.class,
            description = "validation, training or all (default: ${DEFAULT-VALUE})")
    private Split split;

    @Option(names = "--json", description = "print one JSON object instead of tables")
    private boolean json;

    @Option(names = "--png", paramLabel = "FILE", description = "also write the confusion matrix as a PNG heat map")
    private Path png;

    @Override
    public Integer call() throws IOException {
        CommandLine cmd = spec.commandLine();
        dataset.validate(cmd);
        String model = ModelSelection.name(cmd, name, version);
        ModelStore store = storeOptions.openExisting();
        ModelSelection.requireKnown(store, model);
        int v = version != null ? version.version() : store.servingVersion(model).orElseThrow(() ->
                new IllegalStateException("model '" + model + "' has no serving version in " + store.root()
                        + "; name one with --model (versions: " + ModelSelection.versions(store, model) + ")"));
        LoadedModel loaded = store.load(model, v);

        PrintWriter out = cmd.getOut();
        DatasetEvaluation.Report report;
        // with --json, stdout carries the JSON object only
        try (ConsoleProgress progress = ConsoleProgress.forConsole(json ? cmd.getErr() : out)) {
            long started = System.nanoTime();
            report = DatasetEvaluation.run(loaded, dataset.open(), split, (done, total) ->
                    progress.update(String.format(Locale.ROOT, "%s: image %d/%d", loaded.manifest().ref(), done,
                            total)));
            progress.finish(String.format(Locale.ROOT, "ran %s on %d images in %.1f s", report.model(),
                    report.pairIds().size(), (System.nanoTime() - started) / 1e9));
        }
        Path pngFile = null;
        if (png != null) {
            pngFile = png.toAbsolutePath().normalize();
            try {
                ConfusionMatrixPng.write(report, pngFile);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + pngFile + ": " + e.getMessage(), e);
            }
        }
        if (json) {
            out.println(EvaluationJson.MAPPER.writeValueAsString(EvaluationJson.of(report, pngFile)));
        } else {
            EvaluationTable.render(report).forEach(out::println);
            if (pngFile != null) {
                out.println("confusion matrix PNG: " + pngFile);
            }
        }
        out.flush();
        return 0;
    }

    /** {@code validation}, {@code training}, {@code all}. */
    static final class SplitConverter implements CommandLine.ITypeConverter<Split> {
        @Override
        public Split convert(String value) {
            for (Split s : Split.values()) {
                if (s.label().equals(value)) {
                    return s;
                }
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a split: validation, training or"
                    + " all");
        }
    }
}
