package io.satstream.ingest.ledger;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.satstream.kafka.testing.TopicContents;

/** Test helper: creates a topic and reads all of it back, read_committed or not. */
public final class TopicReader {
    private TopicReader() {}

    public static String newTopic(String bootstrap, int partitions) throws Exception {
        String topic = "tiles-" + UUID.randomUUID();
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)
                    .configs(Map.of("max.message.bytes", String.valueOf(64 * 1024 * 1024)))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        return topic;
    }

    /** {@link TopicContents}, with keys as strings. */
    public static List<ConsumerRecord<String, byte[]>> readAll(String bootstrap, String topic, boolean committed) {
        List<ConsumerRecord<byte[], byte[]>> raw = committed ? TopicContents.committed(bootstrap, topic)
                : TopicContents.uncommitted(bootstrap, topic);
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>(raw.size());
        for (ConsumerRecord<byte[], byte[]> r : raw) {
            out.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(), r.timestampType(),
                    r.serializedKeySize(), r.serializedValueSize(),
                    r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), r.value(), r.headers(),
                    r.leaderEpoch()));
        }
        return out;
    }
}
