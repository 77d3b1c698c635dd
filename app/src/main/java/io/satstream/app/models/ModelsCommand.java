package io.satstream.app.models;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code satstream models <action>}: the model store the demo and the segmentation job read, at
 * {@code <work-dir>/models} or {@code --store}.
 */
@Command(name = "models",
        mixinStandardHelpOptions = true,
        description = {
            "The model store: list its versions, show one, promote one to serving, roll back, import an ONNX model.",
            "The store is <work-dir>/models (as the demo keeps it) or the directory given with --store.",
            "Without --name, show/promote/rollback act on '" + ModelSelection.DEFAULT_MODEL
                    + "', the model the demo trains and serves.",
            ""
        },
        synopsisSubcommandLabel = "ACTION",
        subcommands = {ModelsListCommand.class, ModelsShowCommand.class, ModelsPromoteCommand.class,
            ModelsRollbackCommand.class, ModelsImportCommand.class})
public final class ModelsCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "missing action; actions: " + String.join(", ", spec.subcommands().keySet()));
    }
}
