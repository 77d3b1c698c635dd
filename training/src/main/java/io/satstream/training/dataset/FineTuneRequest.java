package io.satstream.training.dataset;

import io.satstream.modelstore.ModelNames;
import io.satstream.training.TrainingOptions;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What a fine-tune on a labelled dataset is asked to do.
 *
 * @param dataset the dataset folder ({@link LabelledDataset})
 * @param classFile its class file, or null for the one in the folder
 * @param modelName the model the new version is registered under
 * @param start where the weights start
 * @param labelFraction the share of the training split to train on, in (0, 1]
 * @param training steps, batch, crop, learning rate, seed
 * @param checkpointEvery save a checkpoint after every this many steps; 0 = never
 * @param resume continue the checkpoint of a run with exactly these settings instead of starting over
 */
public record FineTuneRequest(Path dataset, Path classFile, String modelName, StartFrom start, double labelFraction,
        TrainingOptions training, int checkpointEvery, boolean resume) {

    /** Base channels of a network trained from scratch: the demo's first model's. */
    public static final int SCRATCH_BASE_CHANNELS = 16;

    public FineTuneRequest {
        Objects.requireNonNull(dataset, "dataset");
        ModelNames.check(modelName);
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(training, "training");
        if (!(labelFraction > 0 && labelFraction <= 1)) {
            throw new IllegalArgumentException("the label fraction must be in (0, 1], got " + labelFraction);
        }
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("checkpointEvery must be >= 0 (0 = never): " + checkpointEvery);
        }
        if (resume && checkpointEvery == 0) {
            throw new IllegalArgumentException("a run without checkpoints cannot be resumed");
        }
    }
}
