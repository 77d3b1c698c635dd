package io.satstream.app.internal;

import java.io.PrintWriter;
import java.util.function.BooleanSupplier;

import org.slf4j.LoggerFactory;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * A command that fails while running prints ONE line, {@code satstream: error: <message>}, and exits 1.
 * The stack trace goes to the log file always, and to stderr only when asked for ({@code --verbose} or
 * {@code SATSTREAM_DEBUG=1}).
 */
public final class ExecutionErrorHandler implements IExecutionExceptionHandler {

    public static final int EXIT_FAILURE = 1;

    private final BooleanSupplier verbose;

    public ExecutionErrorHandler(BooleanSupplier verbose) {
        this.verbose = verbose;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        report(ex, cmd.getErr(), verbose.getAsBoolean() || debugRequested());
        return EXIT_FAILURE;
    }

    /** Prints the one-line error (and the trace when {@code withTrace}); logs the trace. */
    public static void report(Throwable failure, PrintWriter err, boolean withTrace) {
        err.println("satstream: error: " + ErrorMessages.describe(failure));
        if (withTrace) {
            failure.printStackTrace(err);
        }
        err.flush();
        LoggerFactory.getLogger(ExecutionErrorHandler.class).error("command failed", failure);
    }

    /** True when the environment asks for stack traces ({@code SATSTREAM_DEBUG=1} or {@code true}). */
    public static boolean debugRequested() {
        String debug = System.getenv("SATSTREAM_DEBUG");
        return debug != null && (debug.equals("1") || debug.equalsIgnoreCase("true"));
    }
}
