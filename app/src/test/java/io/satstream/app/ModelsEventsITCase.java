package io.satstream.app;

import static io.satstream.app.ModelsTestStore.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.kafka.testing.KafkaTestBroker;
import io.satstream.kafka.testing.TopicContents;
import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelStore;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.ModelEvent;
import io.satstream.schemas.ModelEventType;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code models promote/rollback/import --bootstrap}: the ModelEvents on a real Kafka broker, read back committed. */
class ModelsEventsITCase {

    @TempDir
    Path tmp;

    private Path workDir;
    private Path root;
    private String bootstrap;
    private String topic;

    @BeforeEach
    void setUp() throws Exception {
        workDir = tmp.resolve("work");
        root = ModelsTestStore.copyInto(workDir);
        bootstrap = KafkaTestBroker.bootstrapServers();
        topic = "model-events-" + UUID.randomUUID();
    }

    @Test
    void promoteAndRollbackPublishDecodableEventsKeyedByModelName() throws Exception {
        Instant start = Instant.now().minusSeconds(1);

        CliRun promote = CliRun.of("models", "promote", "2", "--bootstrap", bootstrap, "--topic", topic,
                "--work-dir", workDir.toString());

        assertThat(promote.exitCode()).as(promote.err()).isZero();
        assertThat(promote.outLines()).contains("unet: serving 1 -> 2");
        assertThat(promote.out()).contains("published PROMOTED unet@2 to " + topic + " at " + bootstrap);
        assertThat(promote.outLines()).contains("note: running jobs of unet on " + bootstrap + " switch to unet@2 once"
                + " each of their subtasks has verified and warmed it up; a subtask that refuses it keeps its version and"
                + " says why in a REJECTED event on " + topic);

        CliRun rollback = CliRun.of("models", "rollback", "--bootstrap", bootstrap, "--topic", topic,
                "--work-dir", workDir.toString());

        assertThat(rollback.exitCode()).as(rollback.err()).isZero();
        assertThat(rollback.out()).contains("published ROLLED_BACK unet@1 to " + topic);

        List<ConsumerRecord<byte[], byte[]>> records = TopicContents.committed(bootstrap, topic);
        assertThat(records).hasSize(2);
        assertThat(records).allSatisfy(r -> assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(MODEL));
        ModelEvent promoted = AvroCodec.modelEvent().decode(records.get(0).value());
        ModelEvent rolledBack = AvroCodec.modelEvent().decode(records.get(1).value());
        assertEvent(promoted, MODEL, ModelEventType.PROMOTED, 2, "finetune", start);
        assertEvent(rolledBack, MODEL, ModelEventType.ROLLED_BACK, 1, "test", start);
        assertThat(rolledBack.getCreatedAt()).isAfterOrEqualTo(promoted.getCreatedAt());
        assertThat(cleanupPolicy(topic)).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
    }

    @Test
    void importPublishesACandidateForTheVersionTheStoreAccepted() throws Exception {
        Instant start = Instant.now().minusSeconds(1);
        Path onnx = Files.copy(root.resolve(MODEL).resolve("1/model.onnx"), tmp.resolve("landcover.onnx"));
        Path manifest = ModelsTestStore.writeImportManifest(tmp, "landcover", TestFixtures.CLASSES);

        CliRun run = CliRun.of("models", "import", onnx.toString(), "--manifest", manifest.toString(),
                "--bootstrap", bootstrap, "--topic", topic, "--work-dir", workDir.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines().get(0)).startsWith("imported landcover@1 from " + onnx);
        assertThat(run.out()).contains("published CANDIDATE landcover@1 to " + topic + " at " + bootstrap);
        List<ConsumerRecord<byte[], byte[]>> records = TopicContents.committed(bootstrap, topic);
        assertThat(records).singleElement()
                .satisfies(r -> assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("landcover"));
        ModelEvent candidate = AvroCodec.modelEvent().decode(records.get(0).value());
        assertEvent(candidate, "landcover", ModelEventType.CANDIDATE, 1, "imported", start);
        assertThat(candidate.getSha256()).isEqualTo(ModelsTestStore.sha256(onnx));
        assertThat(candidate.getMessage()).contains(onnx.toString());
        assertThat(ModelStore.open(root).servingVersion("landcover")).isEmpty();
        assertThat(cleanupPolicy(topic)).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
    }

    @Test
    void unreachableKafkaIsOneErrorLineAndTheStoreStaysAsItWas() throws Exception {
        Map<String, String> before = ModelsTestStore.snapshot(root);

        CliRun run = CliRun.of("models", "promote", "3", "--bootstrap", "127.0.0.1:1", "--connect-timeout", "1s",
                "--work-dir", workDir.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly(
                "satstream: error: Kafka at 127.0.0.1:1 did not answer within 1s; nothing was changed");
        assertThat(ModelsTestStore.snapshot(root)).isEqualTo(before);
        assertThat(ModelStore.open(root).servingVersion(MODEL)).contains(1);

        Path onnx = Files.copy(root.resolve(MODEL).resolve("1/model.onnx"), tmp.resolve("landcover.onnx"));
        Path manifest = ModelsTestStore.writeImportManifest(tmp, "landcover", TestFixtures.CLASSES);
        CliRun imported = CliRun.of("models", "import", onnx.toString(), "--manifest", manifest.toString(),
                "--bootstrap", "127.0.0.1:1", "--connect-timeout", "1s", "--work-dir", workDir.toString());

        assertThat(imported.exitCode()).isEqualTo(1);
        assertThat(imported.errLines()).containsExactly(
                "satstream: error: Kafka at 127.0.0.1:1 did not answer within 1s; nothing was changed");
        assertThat(ModelsTestStore.snapshot(root)).isEqualTo(before);
    }

    @Test
    void anEventKafkaRefusesAfterTheStoreChangedSaysSoAndHowToPublishItAgain() throws Exception {
        // A topic whose records may not exceed 64 bytes: reachable, but no ModelEvent fits.
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                    .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "64")))).all().get(30, TimeUnit.SECONDS);
        }

        CliRun run = CliRun.of("models", "promote", "2", "--bootstrap", bootstrap, "--topic", topic,
                "--connect-timeout", "10s", "--work-dir", workDir.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.outLines()).contains("unet: serving 1 -> 2");
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("satstream: error: unet@2 serves now in the store, but the event was not published: Kafka at "
                        + bootstrap + " did not take the event for topic '" + topic + "'")
                .endsWith("; 'satstream models promote unet@2 --store " + root.toUri() + " --bootstrap " + bootstrap
                        + " --topic " + topic + "' publishes it");
        assertThat(ModelStore.open(root).servingVersion(MODEL)).contains(2);
        assertThat(TopicContents.committed(bootstrap, topic)).isEmpty();
    }

    private void assertEvent(ModelEvent e, String model, ModelEventType type, int version, String objective,
            Instant notBefore) {
        Path dir = root.resolve(model).resolve(Integer.toString(version));
        ModelManifest manifest = ModelStore.open(root).manifest(model, version).orElseThrow();
        assertThat(e.getModelName()).isEqualTo(model);
        assertThat(e.getType()).isEqualTo(type);
        assertThat(e.getVersion()).isEqualTo(version);
        assertThat(e.getSha256()).isEqualTo(ModelsTestStore.sha256(dir.resolve("model.onnx")));
        assertThat(e.getFiles()).isEqualTo(manifest.files()).containsEntry("model.onnx", e.getSha256());
        URI uri = URI.create(e.getUri());
        assertThat(uri.getScheme()).isEqualTo("file");
        assertThat(Path.of(uri)).isEqualTo(dir);
        assertThat(e.getObjective()).isEqualTo(objective);
        assertThat(e.getCreatedAt()).isBetween(notBefore, Instant.now());
        assertThat(e.getInputSpec().getBands()).isEqualTo(manifest.inputSpec().bands());
        assertThat(e.getInputSpec().getTileSize()).isEqualTo(manifest.inputSpec().tileSize());
        assertThat(e.getInputSpec().getScale()).isEqualTo(manifest.inputSpec().scale());
        assertThat(e.getClassNames()).isEqualTo(manifest.classNames());
        assertThat(e.getPublisher()).isEqualTo("satstream-cli");
        assertThat(e.getReason()).isNull();
        assertThat(e.getSubtask()).isNull();
    }

    private Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(p);
    }

    private String cleanupPolicy(String name) throws Exception {
        try (Admin admin = admin()) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
            return admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource)
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
        }
    }
}
