package io.satstream.app.bench;

import io.satstream.app.BootstrapServersConverter;
import io.satstream.app.ConsoleProgress;
import io.satstream.app.DurationConverter;
import io.satstream.app.WorkDirOption;
import io.satstream.jobs.SegmentationJobConfig;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code satstream bench pipeline}: Kafka → Flink → Kafka tiles/s against raw ONNX Runtime tiles/s. */
@Command(name = "pipeline",
        mixinStandardHelpOptions = true,
        description = {
            "Measures end-to-end tiles/s through Kafka and the Flink segmentation job (exactly-once, read_committed)",
            "and raw ONNX Runtime tiles/s on the same model, threads and batch size, in one run, and their ratio.%n"
        })
public final class PipelineBenchCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private WorkDirOption workDir;

    @Option(names = "--quick", description = "fewer tiles, for a smoke run")
    private boolean quick;

    @Option(names = "--out", paramLabel = "FILE.json", description = "write the results here (default: <work-dir>/bench/pipeline.json)")
    private Path outFile;

    @Option(names = "--tiles", paramLabel = "N", description = "tiles in the measured phase (default: 1500, --quick 300)")
    private Integer tiles;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "8", description = "inference batch size (default: ${DEFAULT-VALUE})")
    private int batchSize;

    @Option(names = "--threads", paramLabel = "N", description = "ONNX Runtime intra-op threads (default: all cores but one)")
    private Integer threads;

    @Option(names = "--tile-size", paramLabel = "PX", defaultValue = "256", description = "tile side in pixels (default: ${DEFAULT-VALUE})")
    private int tileSize;

    @Option(names = "--checkpoint-interval", paramLabel = "TIME", converter = DurationConverter.class,
            description = "checkpoint (= commit) interval of the job (default: 2s as in the demo; --quick 500ms, so"
                    + " its short segments still span several commits)")
    private Duration checkpointInterval;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", converter = BootstrapServersConverter.class, description = "use this Kafka instead of an embedded broker")
    private String bootstrap;

    @Override
    public Integer call() throws Exception {
        int n = tiles != null ? tiles : (quick ? 300 : 1500);
        int t = threads != null ? threads : SegmentationJobConfig.defaultInferenceThreads();
        if (n < batchSize * 4 * PipelineBenchmark.SEGMENTS) {
            throw new ParameterException(spec.commandLine(), "--tiles must be at least "
                    + batchSize * 4 * PipelineBenchmark.SEGMENTS + " (4 batches per segment)");
        }
        if (batchSize < 1 || t < 1 || tileSize < 8) {
            throw new ParameterException(spec.commandLine(), "--batch-size and --threads must be >= 1, --tile-size >= 8");
        }
        PrintWriter out = spec.commandLine().getOut();
        PipelineBenchmark.Settings settings = new PipelineBenchmark.Settings(n, batchSize, t, tileSize,
                quick ? 5 : 15, bootstrap,
                checkpointInterval != null ? checkpointInterval : Duration.ofMillis(quick ? 500 : 2000));
        PipelineBenchmark.Result result;
        try (ConsoleProgress progress = ConsoleProgress.forConsole(out)) {
            result = new PipelineBenchmark(workDir, settings, progress).run();
        }
        BenchResults.write(out, workDir, outFile, "pipeline", result, result.table());
        return 0;
    }
}
