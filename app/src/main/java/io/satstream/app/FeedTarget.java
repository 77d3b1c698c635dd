package io.satstream.app;

import java.nio.file.Path;
import java.util.Objects;

import io.satstream.ingest.ledger.ExactlyOnceSceneWriter;
import io.satstream.kafka.SatstreamTopics;
import io.satstream.schemas.Topics;

/**
 * Where an exactly-once feed writes: the Kafka cluster, the tiles topic, and the dead-letter topic that
 * refused scenes go to.
 */
record FeedTarget(String bootstrap, String topic, String dlqTopic) {
    FeedTarget {
        Objects.requireNonNull(bootstrap, "bootstrap");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(dlqTopic, "dlqTopic");
    }

    /** Creates the topics that are missing (with the satstream configs: 64 MiB messages). */
    void ensureTopics() {
        SatstreamTopics.ensure(bootstrap, new SatstreamTopics.Names(topic, Topics.SEGMENTATIONS, Topics.MODEL_EVENTS,
                dlqTopic), 2);
    }

    /** The writer settings of feed {@code feed} (e.g. {@code files}) over the ledger {@code ledgerFile}. */
    ExactlyOnceSceneWriter.Settings writerSettings(String feed, Path ledgerFile) {
        return ExactlyOnceSceneWriter.Settings.of(bootstrap, topic, IngestTransactionalIds.of(feed, ledgerFile, topic))
                .withDlqTopic(dlqTopic);
    }
}
