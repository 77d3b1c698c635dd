package io.satstream.app;

import io.satstream.app.bench.PipelineBenchCommand;
import io.satstream.app.bench.SwapBenchCommand;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code satstream bench <name>}: the benchmarks; each prints a table and writes JSON. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = {"Runs a benchmark, prints a table and writes its numbers as JSON.", ""},
        synopsisSubcommandLabel = "BENCHMARK",
        subcommands = {PipelineBenchCommand.class, SwapBenchCommand.class})
public final class BenchCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "missing benchmark; benchmarks: " + String.join(", ", spec.subcommands().keySet()));
    }
}
