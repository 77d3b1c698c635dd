package io.satstream.app.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import io.satstream.app.DurationConverter;
import io.satstream.jobs.SegmentationJobConfig;
import io.satstream.kafka.SatstreamTopics;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** How the segmentation job runs: the options {@code demo} and {@code job segment} share, validated in one place. */
public final class SegmentationJobOptions {
    private static final Set<String> RUNTIMES = Set.of("auto", "onnxruntime", "tensorrt");

    @Option(names = "--runtime", paramLabel = "NAME", defaultValue = "auto",
            description = "inference runtime: auto, onnxruntime or tensorrt (default: ${DEFAULT-VALUE})")
    private String runtime;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "8",
            description = "most tiles per inference batch (default: ${DEFAULT-VALUE})")
    private int batchSize;

    @Option(names = "--threads", paramLabel = "N", description = "inference threads (default: all cores but one)")
    private Integer threads;

    @Option(names = "--features", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "also vectorise masks to GeoJSON on the segmentation-features topic (default: on)")
    private boolean features;

    @Option(names = "--checkpoint-interval", paramLabel = "TIME", converter = DurationConverter.class,
            defaultValue = "2s", description = "Flink checkpoint interval = commit interval of the output (default: ${DEFAULT-VALUE})")
    private Duration checkpointInterval;

    @Option(names = "--max-model-lag", paramLabel = "TIME", converter = SignedDurationConverter.class,
            defaultValue = "0", description = "after a promotion or rollback on model-events, how long tiles may"
                    + " still be segmented by the version serving before while the new one loads; past that, tiles"
                    + " wait until it is ready. 0 (default): tiles never wait, each inference task switches as soon"
                    + " as the new version is ready")
    private Duration maxModelLag;

    /** Throws a one-line {@link ParameterException} for the first bad value. */
    public void validate(CommandLine commandLine) {
        if (!RUNTIMES.contains(runtime)) {
            throw new ParameterException(commandLine, "--runtime must be auto, onnxruntime or tensorrt, got " + runtime);
        }
        if (batchSize < 1 || batchSize > 1024) {
            throw new ParameterException(commandLine, "--batch-size must be 1..1024, got " + batchSize);
        }
        if (threads != null && threads < 1) {
            throw new ParameterException(commandLine, "--threads must be >= 1, got " + threads);
        }
        if (checkpointInterval.toMillis() < 10) {
            throw new ParameterException(commandLine, "--checkpoint-interval must be at least 10ms, got "
                    + DurationConverter.format(checkpointInterval));
        }
        if (maxModelLag.isNegative()) {
            throw new ParameterException(commandLine, "--max-model-lag must be 0 or more (0: tiles never wait for a"
                    + " model load), got -" + DurationConverter.format(maxModelLag.negated()));
        }
    }

    public String runtime() {
        return runtime;
    }

    /** A config builder for the job on {@code topics} at {@code servers}, serving {@code modelName} from the store. */
    public SegmentationJobConfig.Builder config(String servers, SatstreamTopics.Names topics, Path storeRoot,
            String modelName) {
        return SegmentationJobLauncher.config(servers, topics, storeRoot, modelName, runtime, threads, batchSize,
                features, checkpointInterval, maxModelLag);
    }

    /**
     * {@link DurationConverter}, also taking a leading minus sign, so that a negative {@code --max-model-lag} is
     * refused by {@link #validate} saying what the option allows rather than as no duration at all.
     */
    static final class SignedDurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String text = value == null ? "" : value.trim();
            if (text.startsWith("-") && text.length() > 1) {
                return DurationConverter.parse(text.substring(1)).negated();
            }
            return DurationConverter.parse(value);
        }
    }
}
