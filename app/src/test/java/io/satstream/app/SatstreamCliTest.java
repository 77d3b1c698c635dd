package io.satstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import picocli.CommandLine;

/** The CLI conventions of CONTRACT.md: --help everywhere, wrong arguments → one line and exit 2. */
class SatstreamCliTest {

    @TempDir
    static Path tmp;

    static Stream<String> commands() {
        return Satstream.commandLine().getSubcommands().keySet().stream();
    }

    /** Every command at every depth, as its argument list, e.g. [bench, pipeline]. */
    static Stream<List<String>> commandPaths() {
        return paths(Satstream.commandLine(), List.of());
    }

    private static Stream<List<String>> paths(CommandLine cmd, List<String> prefix) {
        return cmd.getSubcommands().entrySet().stream().flatMap(e -> {
            List<String> path = new ArrayList<>(prefix);
            path.add(e.getKey());
            return Stream.concat(Stream.of(path), paths(e.getValue(), path));
        });
    }

    @Test
    void registersTheCommandsThatExist() {
        assertThat(Satstream.commandLine().getSubcommands().keySet()).contains("demo", "broker", "consume", "bench", "doctor",
                "finetune", "evaluate");
    }

    @Test
    void rootHelpListsEveryCommandAndExitsZero() {
        CliRun run = CliRun.of("--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: satstream");
        commands().forEach(name -> assertThat(run.out()).containsPattern("(?m)^\\s+" + name + "\\s"));
        assertThat(run.err()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("commandPaths")
    void everyCommandAnswersHelp(List<String> command) {
        List<String> args = new ArrayList<>(command);
        args.add("--help");
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: satstream " + String.join(" ", command));
        assertThat(run.err()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("commandPaths")
    void everyCommandRejectsAnUnknownOptionWithOneLine(List<String> command) {
        List<String> args = new ArrayList<>(command);
        args.add("--no-such-option");
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("satstream: ")
                // picocli reports missing required options ahead of unknown ones
                .containsAnyOf("--no-such-option", "missing required")
                .endsWith("(see 'satstream " + String.join(" ", command) + " --help')");
    }

    @Test
    void versionNamesTheApplicationAndJava() {
        CliRun run = CliRun.of("--version");
        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines().get(0)).startsWith("satstream ");
        assertThat(run.out()).contains("Java " + Runtime.version().feature());
    }

    static Stream<Arguments> wrongArguments() {
        String out = tmp.resolve("never-created").toString();
        return Stream.of(
                Arguments.of(new String[] {}, "satstream", "missing command"),
                Arguments.of(new String[] {"frobnicate"}, "satstream", "unknown command 'frobnicate'"),
                Arguments.of(new String[] {"broker", "--bogus"}, "satstream broker", "unknown option: '--bogus'"),
                Arguments.of(new String[] {"broker", "--port", "abc"}, "satstream broker", "'abc' is not an int"),
                Arguments.of(new String[] {"broker", "--port", "70000"}, "satstream broker", "--port must be 0..65535"),
                Arguments.of(new String[] {"broker", "--partitions", "0"}, "satstream broker", "--partitions must be at least 1"),
                Arguments.of(new String[] {"consume", "--out", out}, "satstream consume", "missing required option: '--bootstrap"),
                Arguments.of(new String[] {"consume", "--bootstrap", "localhost", "--out", out},
                        "satstream consume", "'localhost' is not HOST:PORT"),
                Arguments.of(new String[] {"consume", "--bootstrap", "127.0.0.1:9", "--out", out, "--idle", "soon"},
                        "satstream consume", "'soon' is not a duration"),
                Arguments.of(new String[] {"consume", "--bootstrap", "127.0.0.1:9", "--out", out, "--stitch", "--topic", ""},
                        "satstream consume", "--topic must not be empty"),
                Arguments.of(new String[] {"doctor", "extra"}, "satstream doctor", "unmatched argument"));
    }

    @ParameterizedTest
    @MethodSource("wrongArguments")
    void wrongArgumentGivesOneLineAndExitTwo(String[] args, String command, String message) {
        CliRun run = CliRun.of(args);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines().get(0))
                .startsWith("satstream: ")
                .contains(message)
                .endsWith("(see '" + command + " --help')");
        assertThat(run.out()).isEmpty();
        // A rejected command has not started doing anything.
        assertThat(tmp.resolve("never-created")).doesNotExist();
    }

    @Test
    void failureWhileRunningGivesOneErrorLineAndExitOne() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "in the way");
        CliRun run = CliRun.of("broker", "--port", "0", "--work-dir", file.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines().get(0)).startsWith("satstream: error: cannot create directory " + file.resolve("kafka"));
    }

    @Test
    void unreachableKafkaIsOneErrorLineAndExitOneWithoutCreatingOutput() {
        Path out = tmp.resolve("consume-out");
        CliRun run = CliRun.of("consume", "--bootstrap", "127.0.0.1:1", "--out", out.toString(),
                "--connect-timeout", "1s");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("satstream: error: Kafka at 127.0.0.1:1 did not answer within 1s");
        assertThat(out).doesNotExist();
    }

    @Test
    void verboseAddsTheStackTraceAfterTheErrorLine() throws Exception {
        Path file = Files.writeString(tmp.resolve("another-file"), "in the way");
        CliRun run = CliRun.of("broker", "--verbose", "--port", "0", "--work-dir", file.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines().get(0)).startsWith("satstream: error: cannot create directory");
        assertThat(run.errLines().size()).isGreaterThan(3);
        assertThat(run.err()).contains("at io.satstream.app.WorkDirOption");
    }

    @Test
    void helpOfEachCommandDocumentsTheContractFlags() {
        Set<String> consumeFlags = Set.of("--bootstrap", "--out", "--stitch", "--idle", "--topic", "--work-dir");
        String consumeHelp = CliRun.of("consume", "--help").out();
        consumeFlags.forEach(flag -> assertThat(consumeHelp).contains(flag));
        String brokerHelp = CliRun.of("broker", "--help").out();
        Set.of("--port", "--work-dir").forEach(flag -> assertThat(brokerHelp).contains(flag));
        String finetuneHelp = CliRun.of("finetune", "--help").out();
        Set.of("--dataset", "--from", "--label-fraction", "--work-dir", "--resume")
                .forEach(flag -> assertThat(finetuneHelp).contains(flag));
        String evaluateHelp = CliRun.of("evaluate", "--help").out();
        Set.of("--dataset", "--model", "--json", "--png").forEach(flag -> assertThat(evaluateHelp).contains(flag));
    }
}
