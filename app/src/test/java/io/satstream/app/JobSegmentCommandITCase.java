package io.satstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.kafka.EmbeddedKafka;
import io.satstream.kafka.testing.TopicContents;
import io.satstream.modelstore.ModelStore;
import io.satstream.schemas.Headers;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code job segment} against a separate real broker, with a real MiniCluster and ONNX Runtime: every tile comes out
 * exactly once, and every way it refuses to run is one line with the right exit
 * code.
 */
class JobSegmentCommandITCase {
    private static final Pattern IDENTITY = Pattern.compile("consumer group and transactional-id prefix: (\\S+)");

    @TempDir
    Path tmp;

    @Test
    void segmentsEveryTileExactlyOnceAndExitsWhenIdle() throws Exception {
        Path work = tmp.resolve("work");
        TestFixtures.createServingModel(work.resolve("models"));
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            String bootstrap = kafka.bootstrapServers();
            CliRun ingest = CliRun.of("ingest", "synthetic", "--bootstrap", bootstrap, "--count", "6", "--rate", "0",
                    "--tile-size", "64");
            assertThat(ingest.exitCode()).as(ingest.err()).isZero();
            try (KafkaProducer<byte[], byte[]> p = producer(bootstrap)) {
                p.send(new ProducerRecord<>("tiles", bytes("garbage"), bytes("no image here"))).get();
            }

            CliRun run = CliRun.of("job", "segment", "--bootstrap", bootstrap, "--work-dir", work.toString(),
                    "--ui-port", "0", "--metrics-port", "0", "--checkpoint-interval", "500ms", "--idle", "3s",
                    "--duration", "45s");

            assertThat(run.exitCode()).as("job output:%n%s%n%s", run.out(), run.err()).isZero();
            assertThat(run.outLines()).anyMatch(l -> l.matches("flink ui: http://127\\.0\\.0\\.1:\\d+"));
            assertThat(run.outLines()).anyMatch(l -> l.matches("metrics: http://127\\.0\\.0\\.1:\\d+/metrics"));
            assertThat(run.outLines()).anyMatch(l -> l.matches("job: satstream-segmentation \\([0-9a-f]{32}\\)"));
            assertThat(run.outLines()).anyMatch(l -> l.startsWith("done (idle for 3s): "));
            List<String> tileKeys = keys(TopicContents.uncommitted(bootstrap, "tiles"));
            List<ConsumerRecord<byte[], byte[]>> segmentations = TopicContents.committed(bootstrap, "segmentations");
            List<ConsumerRecord<byte[], byte[]>> dlq = TopicContents.committed(bootstrap, "tiles-dlq");
            List<String> out = new ArrayList<>(keys(segmentations));
            out.addAll(keys(dlq));
            assertThat(tileKeys).hasSize(7);
            assertThat(out).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(tileKeys);
            assertThat(keys(dlq)).containsExactly("garbage");
            String serving = "unet@" + ModelStore.open(work.resolve("models")).servingVersion("unet").orElseThrow();
            assertThat(segmentations).allSatisfy(r -> assertThat(r.headers().lastHeader(Headers.MODEL_VERSION))
                    .isNotNull()
                    .satisfies(h -> assertThat(new String(h.value(), StandardCharsets.UTF_8)).isEqualTo(serving)));

            assertThat(run.outLines()).anyMatch(l -> IDENTITY.matcher(l).matches());

            // A second process on the same work dir resumes from the retained checkpoint: the new tiles are
            // segmented, the old ones are not segmented again.
            CliRun more = CliRun.of("ingest", "synthetic", "--bootstrap", bootstrap, "--count", "3", "--rate", "0",
                    "--tile-size", "64");
            assertThat(more.exitCode()).as(more.err()).isZero();
            CliRun again = CliRun.of("job", "segment", "--bootstrap", bootstrap, "--work-dir", work.toString(),
                    "--ui-port", "0", "--checkpoint-interval", "500ms", "--idle", "3s", "--duration", "45s");
            assertThat(again.exitCode()).as("job output:%n%s%n%s", again.out(), again.err()).isZero();
            assertThat(again.outLines()).anyMatch(l -> l.startsWith("resuming from " + work.resolve("flink-checkpoints")));
            List<String> allTiles = keys(TopicContents.uncommitted(bootstrap, "tiles"));
            List<String> allOut = new ArrayList<>(keys(TopicContents.committed(bootstrap, "segmentations")));
            allOut.addAll(keys(TopicContents.committed(bootstrap, "tiles-dlq")));
            assertThat(allTiles).hasSize(10);
            assertThat(allOut).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(allTiles);
        }
    }

    @Test
    void aStoreWithoutServingVersionIsOneLineAndExitOneWithoutTouchingKafka() {
        Path work = tmp.resolve("empty");
        ModelStore.open(work.resolve("models"));
        // An unreachable Kafka: had the job gone that far, the error would say so instead.
        CliRun run = CliRun.of("job", "segment", "--bootstrap", "127.0.0.1:1", "--work-dir", work.toString(),
                "--connect-timeout", "1s");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines().get(0))
                .startsWith("satstream: error: no serving version of model 'unet' in " + work.resolve("models"))
                .contains("satstream models import", "satstream demo");
        assertThat(run.out()).isEmpty();
        assertThat(work.resolve("flink-tmp")).doesNotExist();

        CliRun noStore = CliRun.of("job", "segment", "--bootstrap", "127.0.0.1:1", "--work-dir",
                tmp.resolve("nothing").toString());
        assertThat(noStore.exitCode()).isEqualTo(1);
        assertThat(noStore.errLines()).hasSize(1);
        assertThat(noStore.errLines().get(0)).startsWith("satstream: error: no model store at ")
                .contains("satstream models import");
        assertThat(tmp.resolve("nothing")).doesNotExist();
    }

    @Test
    void unreachableKafkaIsOneLineAndExitOneWithinTheTimeout() {
        Path work = tmp.resolve("work");
        TestFixtures.createServingModel(work.resolve("models"));
        long start = System.nanoTime();
        CliRun run = CliRun.of("job", "segment", "--bootstrap", "127.0.0.1:1", "--work-dir", work.toString(),
                "--connect-timeout", "1s");
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("satstream: error: Kafka at 127.0.0.1:1 did not answer within 1s");
        assertThat(seconds).isLessThan(15);
        assertThat(work.resolve("flink-tmp")).doesNotExist();
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of(List.of("--flink", "127.0.0.1:8081"), "satstream job segment",
                        "--flink: submitting to a remote Flink cluster is not available in this version"),
                Arguments.of(List.of("pretrain", "--objective", "glcnet"), "satstream job pretrain",
                        "--objective must be sop or noisy, got glcnet"),
                Arguments.of(List.of("pretrain", "--duty-cycle", "0"), "satstream job pretrain",
                        "--duty-cycle must be in (0, 1], got 0.0"),
                Arguments.of(List.of("pretrain", "--flink", "127.0.0.1:8081"), "satstream job pretrain",
                        "--flink: submitting to a remote Flink cluster is not available in this version"),
                Arguments.of(List.of(), "satstream job", "missing job; jobs: segment, pretrain"),
                Arguments.of(List.of("--bootstrap", "localhost"), "satstream job segment", "'localhost' is not HOST:PORT"),
                Arguments.of(List.of("--batch-size", "-1"), "satstream job segment", "--batch-size must be 1..1024, got -1"),
                Arguments.of(List.of("--runtime", "cuda"), "satstream job segment",
                        "--runtime must be auto, onnxruntime or tensorrt, got cuda"),
                Arguments.of(List.of("--ui-port", "70000"), "satstream job segment", "--ui-port must be 0..65535"),
                Arguments.of(List.of("--metrics-port", "-1"), "satstream job segment",
                        "--metrics-port must be 0..65535, got -1"),
                Arguments.of(List.of("--idle", "0s"), "satstream job segment", "--idle must be positive"),
                Arguments.of(List.of("--model", "../x"), "satstream job segment", "--model: "));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void wrongArgumentsAreOneLineAndExitTwo(List<String> extra, String command, String message) {
        List<String> args = new ArrayList<>();
        args.add("job");
        boolean pretrain = extra.contains("pretrain");
        if (!extra.isEmpty()) {
            args.addAll(List.of(pretrain ? "pretrain" : "segment", "--work-dir",
                    tmp.resolve("never-created").toString()));
            if (!extra.contains("--bootstrap")) {
                args.addAll(List.of("--bootstrap", "127.0.0.1:9092"));
            }
        }
        args.addAll(extra.stream().filter(a -> !a.equals("pretrain")).toList());
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines().get(0)).startsWith("satstream: ").contains(message)
                .endsWith("(see '" + command + " --help')");
        assertThat(run.out()).isEmpty();
        assertThat(tmp.resolve("never-created")).doesNotExist();
    }

    @Test
    void missingBootstrapIsOneLineAndExitTwo() {
        CliRun run = CliRun.of("job", "segment", "--work-dir", tmp.resolve("never-created").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly(
                "satstream: missing required option: '--bootstrap=HOST:PORT' (see 'satstream job segment --help')");
        assertThat(tmp.resolve("never-created")).doesNotExist();
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> keys(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
    }
}
