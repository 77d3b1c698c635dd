package io.satstream.app.runtime;

import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Consumer settings of every reader the app runs on the output topics: what a user's reader would
 * use — {@code read_committed}, its own fresh group, no offset commits, fetches big enough for masks.
 */
public final class ReaderProperties {
    /** Segmentations of large tiles exceed Kafka's 1 MiB default fetch per partition. */
    static final int MAX_PARTITION_FETCH_BYTES = 16 * 1024 * 1024;

    private ReaderProperties() {}

    /**
     * @param groupPrefix the group id is this plus a random suffix, so readers never share offsets
     * @param offsetReset {@code earliest} to read everything, {@code latest} for only what comes next
     */
    public static Properties readCommitted(String bootstrap, String groupPrefix, String offsetReset) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupPrefix + "-" + UUID.randomUUID());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, offsetReset);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(MAX_PARTITION_FETCH_BYTES));
        return p;
    }
}
