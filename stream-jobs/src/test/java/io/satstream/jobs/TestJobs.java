package io.satstream.jobs;

import io.satstream.kafka.SatstreamTopics;

import java.nio.file.Path;

/** What the job integration tests share: topics of a run's own, and a job config on them. */
final class TestJobs {
    private TestJobs() {}

    /** {@code tiles-<run>}, {@code segmentations-<run>}, {@code model-events-<run>}, … */
    static SatstreamTopics.Names topics(String run) {
        return new SatstreamTopics.Names("tiles-" + run, "segmentations-" + run, "model-events-" + run,
                "tiles-dlq-" + run, "features-" + run);
    }

    /**
     * The job on {@code topics} at {@code bootstrap}, serving {@code unet} from {@code storeDir} with ONNX Runtime on
     * one thread; consumer group and transactional-id prefix are {@code run}. Callers add the rest.
     */
    static SegmentationJobConfig.Builder config(String bootstrap, SatstreamTopics.Names topics, String run,
            Path storeDir) {
        return SegmentationJobConfig.builder()
                .bootstrapServers(bootstrap)
                .tilesTopic(topics.tiles())
                .segmentationsTopic(topics.segmentations())
                .dlqTopic(topics.tilesDlq())
                .modelEventsTopic(topics.modelEvents())
                .featuresTopic(topics.segmentationFeatures())
                .groupId(run)
                .transactionalIdPrefix(run)
                .modelStoreDir(storeDir.toString())
                .modelName("unet")
                .runtime("onnxruntime")
                .intraOpThreads(1);
    }
}
