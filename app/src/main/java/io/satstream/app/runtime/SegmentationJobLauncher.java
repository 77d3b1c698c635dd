package io.satstream.app.runtime;

import io.satstream.jobs.SegmentationJob;
import io.satstream.jobs.SegmentationJobConfig;
import io.satstream.kafka.SatstreamTopics;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

import org.apache.flink.core.execution.JobClient;

/**
 * Runs the segmentation job in an {@link EmbeddedFlink}, as {@code demo} and {@code job segment} do: the
 * config for the satstream topics, the submission, and the check that the job is still alive.
 */
public final class SegmentationJobLauncher {
    private SegmentationJobLauncher() {}

    /**
     * A config builder for the job on {@code topics} at {@code servers}, serving {@code modelName} from the store
     * at {@code storeRoot}; callers may still set the consumer group and transactional-id prefix.
     *
     * @param threads inference threads, or null for {@link SegmentationJobConfig#defaultInferenceThreads()}
     * @param maxModelLag {@link SegmentationJobConfig#maxModelLag()}: zero, tiles never wait for a model load
     */
    public static SegmentationJobConfig.Builder config(String servers, SatstreamTopics.Names topics, Path storeRoot,
            String modelName, String runtime, Integer threads, int batchSize, boolean features,
            Duration checkpointInterval, Duration maxModelLag) {
        return SegmentationJobConfig.builder()
                .bootstrapServers(servers)
                .tilesTopic(topics.tiles())
                .segmentationsTopic(topics.segmentations())
                .dlqTopic(topics.tilesDlq())
                .modelEventsTopic(topics.modelEvents())
                .features(features)
                .featuresTopic(topics.segmentationFeatures())
                .modelStoreDir(storeRoot.toString())
                .modelName(modelName)
                .runtime(runtime)
                .intraOpThreads(threads != null ? threads : SegmentationJobConfig.defaultInferenceThreads())
                .batchMaxSize(batchSize)
                .checkpointInterval(checkpointInterval)
                .maxModelLag(maxModelLag);
    }

    /**
     * Submits the job with {@code cfg} to {@code flink}, checkpointing into {@code checkpoints} and resuming from
     * the newest checkpoint a previous run left there (told through {@code say}).
     */
    public static JobClient submit(EmbeddedFlink flink, SegmentationJobConfig cfg, RetainedCheckpoints checkpoints,
            Consumer<String> say) throws Exception {
        Optional<Path> resume = checkpoints.latest();
        resume.ifPresent(checkpoints::pruneExcept);
        resume.ifPresent(p -> say.accept("resuming from " + p));
        return flink.submit(SegmentationJob.JOB_NAME, checkpoints.jobConfiguration(), resume.orElse(null), env -> {
            SegmentationJob.configureEnvironment(env, cfg);
            SegmentationJob.build(env, cfg);
        });
    }

    /**
     * Fails when the job has ended (it runs until cancelled, so an end is a failure).
     *
     * @param logDir where the user finds the reason
     */
    public static void requireRunning(JobClient job, Path logDir) throws Exception {
        if (job.getJobStatus().get().isGloballyTerminalState()) {
            throw new IllegalStateException("the segmentation job ended: " + job.getJobStatus().get()
                    + " (see the log in " + logDir + ")");
        }
    }
}
