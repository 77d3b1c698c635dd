package io.satstream.app.dataset;

import java.nio.file.Files;
import java.nio.file.Path;

import io.satstream.training.dataset.LabelledDataset;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code --dataset DIR [--classes FILE]}: a labelled dataset by satstream's convention (a picocli {@code @Mixin}). */
final class DatasetOptions {

    @Option(names = "--dataset", required = true, paramLabel = "DIR",
            description = "labelled dataset: DIR/[GROUP/]images/NAME.jpg|.png|.tif with DIR/[GROUP/]masks/NAME.png|.tif")
    private Path dataset;

    @Option(names = "--classes", paramLabel = "FILE",
            description = "class file (JSON: classes with a name and a color \"#RRGGBB\" or an id, and ignore"
                    + " values; default: DIR/" + LabelledDataset.CLASS_FILE + "); for the Dubai tiles:"
                    + " datasets/dubai-aerial-semseg.classes.json")
    private Path classes;

    /** A dataset folder or class file that is not there is a wrong argument: one line, exit 2. */
    void validate(CommandLine cmd) {
        if (!Files.isDirectory(dataset)) {
            throw new ParameterException(cmd, "--dataset " + dataset + ": no such folder");
        }
        if (classes != null && !Files.isRegularFile(classes)) {
            throw new ParameterException(cmd, "--classes " + classes + ": no such file");
        }
    }

    /** Finds the pairs and reads the class file; problems with their contents are failures (exit 1). */
    LabelledDataset open() {
        return LabelledDataset.open(dataset, classes);
    }

    Path dataset() {
        return dataset;
    }

    /** The class file given, or null for the one in the dataset folder. */
    Path classes() {
        return classes;
    }
}
