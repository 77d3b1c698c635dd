package io.satstream.app.job;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code satstream job <segment|pretrain>}: one Flink job on its own, against an existing Kafka. */
@Command(name = "job",
        mixinStandardHelpOptions = true,
        description = {"Runs one Flink job on its own against an existing Kafka (no feed, no embedded broker).", ""},
        synopsisSubcommandLabel = "JOB",
        subcommands = {JobSegmentCommand.class, JobPretrainCommand.class})
public final class JobCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "missing job; jobs: " + String.join(", ", spec.subcommands().keySet()));
    }
}
