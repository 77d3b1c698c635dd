package io.satstream.app.internal;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * A wrong argument (unknown option or command, bad value, missing option) becomes ONE line on stderr,
 * {@code satstream: <message> (see 'satstream <cmd> --help')}, and exit code 2 — instead of picocli's
 * default of the message plus the whole usage text.
 */
public final class UsageErrorHandler implements IParameterExceptionHandler {

    public static final int EXIT_USAGE = 2;

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        CommandSpec spec = cmd.getCommandSpec();
        PrintWriter err = cmd.getErr();
        err.println(spec.root().name() + ": " + message(ex) + " (see '" + spec.qualifiedName() + " --help')");
        err.flush();
        return EXIT_USAGE;
    }

    private static String message(ParameterException ex) {
        CommandLine cmd = ex.getCommandLine();
        if (ex instanceof UnmatchedArgumentException unmatched && !cmd.getSubcommands().isEmpty()) {
            // "Unmatched argument at index 0: 'frobnicate'" says little; name the commands instead.
            String first = unmatched.getUnmatched().isEmpty() ? "" : unmatched.getUnmatched().get(0);
            if (!first.startsWith("-")) {
                return "unknown command '" + first + "'; commands: " + String.join(", ", cmd.getSubcommands().keySet());
            }
        }
        return ErrorMessages.oneLine(ErrorMessages.lowerFirst(ex.getMessage()));
    }
}
