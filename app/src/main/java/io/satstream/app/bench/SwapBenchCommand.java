package io.satstream.app.bench;

import io.satstream.app.BootstrapServersConverter;
import io.satstream.app.ConsoleProgress;
import io.satstream.app.DurationConverter;
import io.satstream.app.WorkDirOption;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code satstream bench swap}: tile latency and switch time while the serving model is promoted under load. */
@Command(name = "swap",
        mixinStandardHelpOptions = true,
        description = {
            "Feeds tiles at a steady rate into the segmentation job (exactly-once, --parallelism 2) and promotes two"
                    + " versions of the same network in turn every few seconds (model store + PROMOTED event);"
                    + " measures tile latency in steady state and in the swap windows, the time from each promotion"
                    + " until every subtask serves it, and tiles lost or duplicated. The two versions live in"
                    + " <work-dir>/bench/swap-models: the serving model of <work-dir>/models and, by default, its"
                    + " network briefly retrained from another seed.%n"
        })
public final class SwapBenchCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private WorkDirOption workDir;

    @Option(names = "--quick", description = "a smoke run: 2 swaps 3 s apart, 64x64 tiles, short phases, the second"
            + " version trained for 2 steps")
    private boolean quick;

    @Option(names = "--out", paramLabel = "FILE.json", description = "write the results here (default: <work-dir>/bench/swap.json)")
    private Path outFile;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "2", description = "parallelism of the job (default: ${DEFAULT-VALUE})")
    private int parallelism;

    // 20 windows hold about 3,500 tiles at the default rate: with 6, a window's p99 rested on a dozen tiles and the
    // swap/steady ratio moved by ±0.15 between runs.
    @Option(names = "--swaps", paramLabel = "K",
            description = "promotions, alternating the two versions (default: 20, --quick 2)")
    private Integer swaps;

    @Option(names = "--every", paramLabel = "TIME", converter = DurationConverter.class,
            description = "time between promotions (default: 20s, --quick 3s); a swap's window is this or 10 s,"
                    + " whichever is shorter, so with the default every window is followed by 10 s of steady state"
                    + " and steady latency is sampled across the whole run, not only before the first swap")
    private Duration every;

    @Option(names = "--rate", paramLabel = "TILES/S",
            description = "tiles produced per second (default: 60 %% of what the job segmented of a burst of tiles sent"
                    + " at once at the start, so that latency is not queueing)")
    private Double rate;

    @Option(names = "--tile-size", paramLabel = "PX", description = "tile side in pixels (default: 256, --quick 64)")
    private Integer tileSize;

    @Option(names = "--steady", paramLabel = "TIME", converter = DurationConverter.class,
            description = "steady phase before the first and after the last swap window (default: 20s, --quick 3s)")
    private Duration steady;

    @Option(names = "--second", paramLabel = "retrain|copy", defaultValue = "retrain",
            description = "the second version: the serving network retrained briefly from another seed (kept for"
                    + " later runs), or its ONNX registered again (default: ${DEFAULT-VALUE})")
    private String second;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "8", description = "inference batch size (default: ${DEFAULT-VALUE})")
    private int batchSize;

    @Option(names = "--threads", paramLabel = "N",
            description = "ONNX Runtime intra-op threads per subtask (default: (cores - 1) / parallelism, at least 1)")
    private Integer threads;

    @Option(names = "--checkpoint-interval", paramLabel = "TIME", converter = DurationConverter.class,
            description = "checkpoint (= commit) interval of the job (default: 2s as in the demo; --quick 500ms)")
    private Duration checkpointInterval;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", converter = BootstrapServersConverter.class, description = "use this Kafka instead of an embedded broker")
    private String bootstrap;

    @Override
    public Integer call() throws Exception {
        int k = swaps != null ? swaps : (quick ? 2 : 20);
        Duration interval = every != null ? every : Duration.ofSeconds(quick ? 3 : 20);
        int size = tileSize != null ? tileSize : (quick ? 64 : 256);
        Duration steadyPhase = steady != null ? steady : Duration.ofSeconds(quick ? 3 : 20);
        int cores = Runtime.getRuntime().availableProcessors();
        int t = threads != null ? threads : Math.max(1, (cores - 1) / Math.max(1, parallelism));
        String kind = second.toLowerCase(Locale.ROOT);
        if (parallelism < 1 || k < 1 || batchSize < 1 || t < 1) {
            throw new ParameterException(spec.commandLine(), "--parallelism, --swaps, --batch-size and --threads must be >= 1");
        }
        if (rate != null && (!(rate > 0) || rate.isInfinite()) || size < 8) {
            throw new ParameterException(spec.commandLine(), "--rate must be > 0 and --tile-size >= 8");
        }
        if (interval.isNegative() || interval.isZero() || steadyPhase.isNegative() || steadyPhase.isZero()) {
            throw new ParameterException(spec.commandLine(), "--every and --steady must be longer than 0");
        }
        if (!kind.equals("retrain") && !kind.equals("copy")) {
            throw new ParameterException(spec.commandLine(), "--second must be retrain or copy, not '" + second + "'");
        }
        PrintWriter out = spec.commandLine().getOut();
        SwapBenchmark.Settings settings = new SwapBenchmark.Settings(parallelism, k, interval, rate, size, steadyPhase,
                Duration.ofSeconds(quick ? 1 : 5), quick ? 150 : 300, batchSize, t,
                checkpointInterval != null ? checkpointInterval : Duration.ofMillis(quick ? 500 : 2000),
                kind.equals("retrain"),
                quick ? new SwapBenchModels.Recipe(2, 2, 32) : new SwapBenchModels.Recipe(60, 8, 128), bootstrap);
        SwapBenchmark.Result result;
        try (ConsoleProgress progress = ConsoleProgress.forConsole(out)) {
            result = new SwapBenchmark(workDir, settings, progress).run();
        }
        BenchResults.write(out, workDir, outFile, "swap", result, result.table());
        return 0;
    }
}
