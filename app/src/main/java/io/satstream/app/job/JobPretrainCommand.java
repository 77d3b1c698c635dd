package io.satstream.app.job;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code satstream job pretrain}: named by the contract, but the pretraining job does not exist yet. It is listed
 * (so {@code job --help} tells the whole story) and refuses to run as a usage error, exit 2; it takes no options.
 */
@Command(name = "pretrain",
        mixinStandardHelpOptions = true,
        description = {"Not available in this version: the pretraining job does not exist yet.",
            "Exits 2. Models come from 'satstream models import' or the demo's first-start training.", ""})
public final class JobPretrainCommand implements Runnable {
    static final String NOT_AVAILABLE = "job pretrain is not available in this version (the pretraining job does not"
            + " exist yet); 'satstream job segment' runs the segmentation job";

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), NOT_AVAILABLE);
    }
}
