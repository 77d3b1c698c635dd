package io.satstream.kafka;

import io.satstream.schemas.kafka.PartitionLeaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the satstream topics with configs that fit imagery: large message limits on the pixel
 * topics, {@code model-events} compacted. Existing topics are left as they are.
 */
public final class SatstreamTopics {

    /** Topic names; defaults are CONTRACT.md's. */
    public record Names(String tiles, String segmentations, String modelEvents, String tilesDlq,
            String segmentationFeatures) {
        /** With the default {@code segmentation-features} topic. */
        public Names(String tiles, String segmentations, String modelEvents, String tilesDlq) {
            this(tiles, segmentations, modelEvents, tilesDlq, "segmentation-features");
        }

        public static Names defaults() {
            return new Names("tiles", "segmentations", "model-events", "tiles-dlq", "segmentation-features");
        }

        public List<String> all() {
            return List.of(tiles, segmentations, modelEvents, tilesDlq, segmentationFeatures);
        }
    }

    private SatstreamTopics() {}

    public static void ensure(String bootstrapServers, Names names, int partitions) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000");
        try (Admin admin = Admin.create(p)) {
            ensure(admin, names, partitions);
        }
    }

    public static void ensure(Admin admin, Names names, int partitions) {
        String maxBytes = String.valueOf(EmbeddedKafka.MAX_MESSAGE_BYTES);
        Map<String, String> pixels = Map.of("max.message.bytes", maxBytes);
        List<NewTopic> wanted = new ArrayList<>();
        wanted.add(new NewTopic(names.tiles(), partitions, (short) 1).configs(pixels));
        wanted.add(new NewTopic(names.segmentations(), partitions, (short) 1).configs(pixels));
        wanted.add(new NewTopic(names.tilesDlq(), partitions, (short) 1).configs(pixels));
        wanted.add(new NewTopic(names.segmentationFeatures(), partitions, (short) 1).configs(pixels));
        wanted.add(new NewTopic(names.modelEvents(), 1, (short) 1)
                .configs(Map.of("cleanup.policy", "compact", "max.message.bytes", "1048576")));
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            awaitLeaders(admin, missing);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topics " + names.all() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Returns once every partition of the created topics is served by its leader ({@link PartitionLeaders}). The
     * partitions come from the creation requests: describing a topic this early can itself fail.
     */
    static void awaitLeaders(Admin admin, List<NewTopic> created) throws Exception {
        List<TopicPartition> partitions = new ArrayList<>();
        for (NewTopic t : created) {
            for (int p = 0; p < t.numPartitions(); p++) {
                partitions.add(new TopicPartition(t.name(), p));
            }
        }
        PartitionLeaders.await(admin, partitions, Duration.ofSeconds(30));
    }
}
