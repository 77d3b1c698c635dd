package io.satstream.kafka.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.satstream.kafka.EmbeddedKafka;

/**
 * What a committed read must keep while it waits for commit markers to settle: right after each
 * {@code commitTransaction()} it sees the whole transaction on every partition, and a transaction left open is
 * waited for at most {@link TopicContents#SETTLE} and then left out (an uncommitted read shows it). The race the
 * settling closes (a partition read before its marker arrived: ExactlyOnceSceneWriterITCase once saw 4 of 6
 * records in CI) could not be provoked here on purpose; this test guards the semantics around it.
 */
class TopicContentsTest {

    @Test
    void aCommittedReadSeesEachCommitWholeAndLeavesAnOpenTransactionOut(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().logDir(dir.resolve("kafka")).build().start()) {
            String bootstrap = kafka.bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic("t", 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            try (KafkaProducer<byte[], byte[]> producer = transactional(bootstrap, "writer")) {
                producer.initTransactions();
                for (int round = 1; round <= 20; round++) {
                    producer.beginTransaction();
                    for (int p = 0; p < 3; p++) {
                        producer.send(new ProducerRecord<>("t", p, ("k" + round + "-" + p).getBytes(), new byte[8]));
                    }
                    producer.commitTransaction();
                    assertThat(TopicContents.committed(bootstrap, "t")).as("after commit %d", round).hasSize(3 * round);
                }
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("t", 0, "open".getBytes(), new byte[8])).get();
                assertThat(TopicContents.committed(bootstrap, "t")).as("an open transaction is not read").hasSize(60);
                assertThat(TopicContents.uncommitted(bootstrap, "t")).hasSize(61);
                producer.abortTransaction();
            }
        }
    }

    private static KafkaProducer<byte[], byte[]> transactional(String bootstrap, String id) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
