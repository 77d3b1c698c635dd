package io.satstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.app.runtime.SegmentationJobOptions;
import io.satstream.kafka.SatstreamTopics;
import io.satstream.schemas.Headers;
import io.satstream.testing.oracles.ExternalTool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import picocli.CommandLine;

/**
 * Hot swap as a user drives it from terminals: {@code satstream broker} in one, {@code satstream demo --bootstrap …}
 * in another (both the packaged application in their own JVMs), {@code kcat} following the committed
 * {@code segmentations} in a third, and {@code satstream models import / promote / rollback --bootstrap …} from a
 * fourth. Within seconds of the promotion the records kcat prints carry {@code model-version: unet@2}, and after the
 * rollback {@code unet@1} again in a new {@code model-generation}; the demo never stops meanwhile. Also
 * {@code --max-model-lag}, the option of {@code demo} and {@code job segment} that bounds how long tiles may be
 * served by the previous version while a promoted one loads.
 */
class HotSwapCommandsITCase {
    private static final Pattern BOOTSTRAP = Pattern.compile("kafka bootstrap: (127\\.0\\.0\\.1:\\d+)");
    private static final Pattern JOB = Pattern.compile("job: satstream-segmentation \\([0-9a-f]{32}\\)");
    /** What the kcat below prints per record: partition, offset, headers ({@code n=v,n=v}) and key. */
    private static final String KCAT_FORMAT = "%p\t%o\t%h\t%k\n";
    /** The issue says "within seconds"; this leaves room for a loaded 2-core CI machine. */
    private static final Duration SWITCH_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    Path tmp;

    @Test
    void promoteAndRollbackFromASecondTerminalSwitchTheRunningDemosOutputWithinSeconds() throws Exception {
        Path kcat = ExternalTool.require("kcat", "kcat");
        Path brokerWork = tmp.resolve("broker-work");
        Path demoWork = tmp.resolve("demo-work");
        // A small served unet@1, so the demo skips its first-start training (minutes on 2 cores).
        TestFixtures.createServingModel(demoWork.resolve("models"));

        try (Terminal broker = Terminal.satstream("broker", "-Xmx512m", "broker", "--port", "0", "--work-dir",
                brokerWork.toString())) {
            String bootstrap = broker.await(BOOTSTRAP, STARTUP_TIMEOUT).group(1);

            try (Terminal demo = Terminal.satstream("demo", "-Xmx1536m", "demo", "--bootstrap", bootstrap,
                    "--work-dir", demoWork.toString(), "--rate", "4", "--threads", "1", "--checkpoint-interval",
                    "500ms", "--no-features", "--ui-port", "0", "--metrics-port", "0", "--viewer-port", "0");
                    Terminal follow = Terminal.start("kcat", kcat.toString(), "-b", bootstrap, "-C", "-t",
                            "segmentations", "-X", "isolation.level=read_committed", "-o", "beginning", "-u", "-q",
                            "-f", KCAT_FORMAT)) {
                demo.await(JOB, STARTUP_TIMEOUT);
                awaitRecords(follow, demo, STARTUP_TIMEOUT, "5 records of unet@1",
                        rs -> rs.stream().filter(r -> r.version().equals("unet@1")).count() >= 5);

                // Second terminal: a model made elsewhere (here: unet@1's ONNX file) is imported as unet@2.
                Path onnx = Files.copy(demoWork.resolve("models/unet/1/model.onnx"), tmp.resolve("unet-v2.onnx"));
                Path manifest = ModelsTestStore.writeImportManifest(tmp, "unet", TestFixtures.CLASSES);
                CliRun imported = CliRun.of("models", "import", onnx.toString(), "--manifest", manifest.toString(),
                        "--work-dir", demoWork.toString(), "--bootstrap", bootstrap);
                assertThat(imported.exitCode()).as(imported.err()).isZero();
                assertThat(imported.outLines().get(0)).startsWith("imported unet@2 from " + onnx);
                assertThat(imported.out()).contains("published CANDIDATE unet@2 to model-events at " + bootstrap);
                // A candidate is not served: the records committed well after the import are still unet@1.
                int afterImport = follow.lines().size();
                awaitRecords(follow, demo, SWITCH_TIMEOUT, "5 records after the import",
                        rs -> rs.size() >= afterImport + 5);

                int beforePromote = follow.lines().size();
                long promotedAt = System.nanoTime();
                CliRun promote = CliRun.of("models", "promote", "2", "--work-dir", demoWork.toString(), "--bootstrap",
                        bootstrap);
                assertThat(promote.exitCode()).as(promote.err()).isZero();
                assertThat(promote.outLines()).contains("unet: serving 1 -> 2");
                assertThat(promote.out()).contains("published PROMOTED unet@2 to model-events at " + bootstrap);
                List<Rec> promoted = awaitRecords(follow, demo, SWITCH_TIMEOUT, "a record of unet@2",
                        rs -> rs.stream().anyMatch(r -> r.version().equals("unet@2")));
                long switchMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - promotedAt);
                System.out.printf("promote -> first committed unet@2 record seen by kcat: %d ms%n", switchMillis);
                assertThat(promoted.subList(0, beforePromote)).as("records committed before the promotion")
                        .allSatisfy(r -> assertThat(r.version() + " gen " + r.generation()).isEqualTo("unet@1 gen 0"));
                awaitRecords(follow, demo, SWITCH_TIMEOUT, "3 more records of unet@2",
                        rs -> rs.stream().filter(r -> r.version().equals("unet@2")).count() >= 3);

                int beforeRollback = follow.lines().size();
                long rolledBackAt = System.nanoTime();
                CliRun rollback = CliRun.of("models", "rollback", "--work-dir", demoWork.toString(), "--bootstrap",
                        bootstrap);
                assertThat(rollback.exitCode()).as(rollback.err()).isZero();
                assertThat(rollback.outLines()).contains("unet: serving 2 -> 1");
                assertThat(rollback.out()).contains("published ROLLED_BACK unet@1 to model-events at " + bootstrap);
                awaitRecords(follow, demo, SWITCH_TIMEOUT, "3 records of unet@1 after the rollback",
                        rs -> rs.subList(beforeRollback, rs.size()).stream()
                                .filter(r -> r.version().equals("unet@1") && r.generation() > 0).count() >= 3);
                System.out.printf("rollback -> first committed unet@1 record of a new generation: %d ms%n",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - rolledBackAt));
                assertThat(demo.process.isAlive()).as("the demo runs on through both switches").isTrue();

                // Ctrl-C in the demo's terminal: an orderly stop (128 + SIGTERM), nothing on stderr but logs.
                assertThat(demo.stop()).as("demo exit code after SIGTERM:%n%s", demo.transcript()).isEqualTo(143);
                assertThat(demo.out()).anyMatch(l -> l.contains("stopping (Ctrl-C)"));
                assertThat(demo.err()).noneMatch(l -> l.contains("Exception") || l.startsWith("satstream: error"));
            }

            // What a user sees afterwards with kcat: every committed record, each partition in order.
            List<Rec> all = parse(runToEnd(kcat, bootstrap));
            assertThat(all).hasSizeGreaterThan(15);
            assertThat(all).extracting(Rec::key).doesNotHaveDuplicates();
            assertThat(all).extracting(Rec::version).containsOnly("unet@1", "unet@2");
            // Each switch is a new generation: 0 = unet@1 (start), 1 = unet@2 (promoted), 2 = unet@1 (rolled back).
            Map<Long, String> versionOfGeneration = new HashMap<>();
            for (Rec r : all) {
                versionOfGeneration.merge(r.generation(), r.version(), (a, b) -> {
                    assertThat(b).as("version of generation %d", r.generation()).isEqualTo(a);
                    return a;
                });
            }
            assertThat(versionOfGeneration).containsExactlyInAnyOrderEntriesOf(
                    Map.of(0L, "unet@1", 1L, "unet@2", 2L, "unet@1"));
            // Per subtask, within each partition (one producer per subtask, so its records are in order there):
            // the generations never go back, i.e. unet@1, then unet@2, then unet@1 again, never mixed.
            Map<String, List<Long>> sequences = new LinkedHashMap<>();
            for (Rec r : all) {
                sequences.computeIfAbsent("subtask " + r.subtask() + " in partition " + r.partition(),
                        k -> new ArrayList<>()).add(r.generation());
            }
            sequences.forEach((where, generations) ->
                    assertThat(generations).as("generations of %s", where).isSorted());
            long lastUnet2 = all.stream().filter(r -> r.version().equals("unet@2")).mapToLong(Rec::generation)
                    .max().orElseThrow();
            assertThat(all).filteredOn(r -> r.version().equals("unet@1") && r.generation() > lastUnet2).isNotEmpty();

            assertThat(broker.stop()).as("broker exit code after SIGTERM").isEqualTo(143);
        }
    }

    static Stream<Arguments> negativeLags() {
        return Stream.of(
                Arguments.of(List.of("demo"), "-1s", "-1s"),
                Arguments.of(List.of("demo"), "-1m30s", "-90s"),
                Arguments.of(List.of("job", "segment", "--bootstrap", "127.0.0.1:9092"), "-250ms", "-250ms"));
    }

    @ParameterizedTest
    @MethodSource("negativeLags")
    void aNegativeMaxModelLagIsOneLineAndExitTwo(List<String> command, String lag, String shown) {
        List<String> args = new ArrayList<>(command);
        args.addAll(List.of("--work-dir", tmp.resolve("never-created").toString(), "--max-model-lag", lag));

        CliRun run = CliRun.of(args.toArray(String[]::new));

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        String name = "satstream " + String.join(" ", command.subList(0, command.get(0).equals("job") ? 2 : 1));
        assertThat(run.errLines()).containsExactly("satstream: --max-model-lag must be 0 or more (0: tiles never wait"
                + " for a model load), got " + shown + " (see '" + name + " --help')");
        assertThat(run.out()).isEmpty();
        assertThat(tmp.resolve("never-created")).doesNotExist();
    }

    @Test
    void maxModelLagReachesTheJobConfigAndDefaultsToNeverWaiting() {
        assertThat(jobConfigLag()).isEqualTo(Duration.ZERO);
        assertThat(jobConfigLag("--max-model-lag", "1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(jobConfigLag("--max-model-lag", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(jobConfigLag("--max-model-lag=0")).isEqualTo(Duration.ZERO);

        CliRun help = CliRun.of("job", "segment", "--help");
        assertThat(help.out()).contains("--max-model-lag=TIME");
        assertThat(CliRun.of("demo", "--help").out()).contains("--max-model-lag=TIME");
    }

    /** The {@code maxModelLag} of the job config that {@code demo} and {@code job segment} build from {@code args}. */
    private Duration jobConfigLag(String... args) {
        SegmentationJobOptions options = new SegmentationJobOptions();
        CommandLine cl = new CommandLine(options);
        cl.parseArgs(args);
        options.validate(cl);
        return options.config("127.0.0.1:9092", SatstreamTopics.Names.defaults(), tmp.resolve("models"), "unet")
                .build().maxModelLag();
    }

    /** One record as the kcat format above prints it. */
    record Rec(int partition, long offset, String version, int subtask, long generation, String key) {}

    private static List<Rec> parse(List<String> lines) {
        List<Rec> records = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split("\t", -1);
            assertThat(f).as("kcat line '%s'", line).hasSize(4);
            Map<String, String> headers = new HashMap<>();
            for (String h : f[2].split(",")) {
                int eq = h.indexOf('=');
                if (eq > 0) {
                    headers.put(h.substring(0, eq), h.substring(eq + 1));
                }
            }
            assertThat(headers).as("headers of '%s'", line)
                    .containsKeys(Headers.MODEL_VERSION, Headers.MODEL_SUBTASK, Headers.MODEL_GENERATION);
            records.add(new Rec(Integer.parseInt(f[0]), Long.parseLong(f[1]), headers.get(Headers.MODEL_VERSION),
                    Integer.parseInt(headers.get(Headers.MODEL_SUBTASK)),
                    Long.parseLong(headers.get(Headers.MODEL_GENERATION)), f[3]));
        }
        return records;
    }

    /** Waits until the records kcat has printed so far satisfy {@code done}, and returns them. */
    private static List<Rec> awaitRecords(Terminal follow, Terminal demo, Duration timeout, String what,
            Predicate<List<Rec>> done) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Rec> records = parse(follow.lines());
            if (done.test(records)) {
                return records;
            }
            if (!demo.process.isAlive() || !follow.process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + timeout.toSeconds() + " s; kcat printed "
                        + records.size() + " record(s), the last: "
                        + records.subList(Math.max(0, records.size() - 5), records.size()) + "; kcat stderr: "
                        + follow.err() + "%ndemo:%n".formatted() + demo.transcript());
            }
            Thread.sleep(200);
        }
    }

    /** {@code kcat … -o beginning -e}: the committed segmentations up to now, then exit. */
    private static List<String> runToEnd(Path kcat, String bootstrap) throws Exception {
        try (Terminal once = Terminal.start("kcat-e", kcat.toString(), "-b", bootstrap, "-C", "-t", "segmentations",
                "-X", "isolation.level=read_committed", "-o", "beginning", "-e", "-q", "-f", KCAT_FORMAT)) {
            assertThat(once.process.waitFor(60, TimeUnit.SECONDS)).as("kcat -e ends").isTrue();
            once.drain();
            assertThat(once.process.exitValue()).as("kcat exit code; stderr: %s", once.err()).isZero();
            return once.lines();
        }
    }
}
