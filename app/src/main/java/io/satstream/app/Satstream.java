package io.satstream.app;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;

import io.satstream.app.dataset.EvaluateCommand;
import io.satstream.app.dataset.FinetuneCommand;
import io.satstream.app.internal.ExecutionErrorHandler;
import io.satstream.app.internal.LogFileSetup;
import io.satstream.app.internal.SatstreamVersion;
import io.satstream.app.internal.UsageErrorHandler;
import io.satstream.app.models.ModelsCommand;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code satstream} command: the single entry point of the application ({@code ./satstream} runs
 * this class). Each subcommand is its own class; this one wires them up with the CLI's conventions:
 * a wrong argument gives one line and exit code 2, a failure one line and exit code 1.
 */
@Command(name = "satstream",
        mixinStandardHelpOptions = true,
        versionProvider = SatstreamVersion.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "Segments satellite imagery tiles streaming through Kafka with Flink jobs.%n",
        subcommands = {
            DemoCommand.class,
            BrokerCommand.class,
            IngestCommand.class,
            ModelsCommand.class,
            FinetuneCommand.class,
            EvaluateCommand.class,
            ConsumeCommand.class,
            io.satstream.app.job.JobCommand.class,
            BenchCommand.class,
            DoctorCommand.class,
        })
public final class Satstream implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "print the stack trace of an error (also: SATSTREAM_DEBUG=1)")
    private boolean verbose;

    /** Without a subcommand there is nothing to do: that is a usage error. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(),
                "missing command; commands: " + String.join(", ", spec.subcommands().keySet()));
    }

    /** The configured command line; tests run it in-process with their own out/err writers. */
    public static CommandLine commandLine() {
        Satstream root = new Satstream();
        CommandLine cmd = new CommandLine(root);
        cmd.setUsageHelpAutoWidth(true);
        cmd.setParameterExceptionHandler(new UsageErrorHandler());
        cmd.setExecutionExceptionHandler(new ExecutionErrorHandler(() -> root.verbose));
        return cmd;
    }

    public static void main(String[] args) {
        // Before anything creates a logger: log4j2.xml reads the log file location from a property.
        LogFileSetup.configure(args);
        int code;
        try {
            code = commandLine().execute(args);
        } catch (Throwable t) {
            // Errors (e.g. a native library failing to link) bypass picocli's handlers.
            boolean trace = Arrays.asList(args).contains("--verbose") || ExecutionErrorHandler.debugRequested();
            ExecutionErrorHandler.report(t, new PrintWriter(System.err, true), trace);
            code = ExecutionErrorHandler.EXIT_FAILURE;
        }
        System.exit(code);
    }
}
