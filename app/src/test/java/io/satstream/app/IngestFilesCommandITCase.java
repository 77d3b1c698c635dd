package io.satstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.satstream.app.internal.ExecutionErrorHandler;
import io.satstream.app.internal.UsageErrorHandler;
import io.satstream.kafka.testing.KafkaTestBroker;
import io.satstream.kafka.testing.TopicContents;
import io.satstream.schemas.Headers;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.Tile;

import picocli.CommandLine;

/** {@code ingest files} as a user runs it: real files, a real broker, twice. */
class IngestFilesCommandITCase {
    @TempDir
    Path tmp;

    @Test
    void ingestsTheDirectoryOnceAndTheSecondRunSendsNothing() throws Exception {
        Path in = Files.createDirectory(tmp.resolve("in"));
        Path data = sharedData();
        Files.copy(data.resolve("rasterio-landsat-rgb/RGB.byte.tif"), in.resolve("RGB.byte.tif"));
        Files.copy(data.resolve("naip-rgbn-crops/m_4208701_ne_16_060_20200902.tif"), in.resolve("naip.tif"));
        byte[] rgb = Files.readAllBytes(in.resolve("RGB.byte.tif"));
        Files.write(in.resolve("truncated.tif"), Arrays.copyOf(rgb, 4000));
        String bootstrap = KafkaTestBroker.bootstrapServers();
        String topic = "ingest-files-it-" + UUID.randomUUID();
        String dlq = topic + "-dlq";
        Path work = tmp.resolve("work");
        String[] args = {"--bootstrap", bootstrap, "--dir", in.toString(), "--once", "--work-dir", work.toString(),
            "--topic", topic, "--dlq-topic", dlq, "--stable-for", "100ms", "--tile-size", "256", "--overlap", "32"};

        Result first = run(args);
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("rejected truncated.tif: truncated TIFF")
                .contains("scenes seen 3 | ingested 2 | skipped 0 | rejected 1 | tiles sent 17");
        assertThat(work.resolve("ingest/files-ledger.jsonl")).exists();
        Map<String, Long> perScene = readAll(bootstrap, topic).stream()
                .collect(Collectors.groupingBy(Tile::getSceneId, Collectors.counting()));
        assertThat(perScene).containsExactlyInAnyOrderEntriesOf(Map.of("RGB.byte", 16L, "naip", 1L));
        assertThat(TopicContents.committed(bootstrap, dlq)).singleElement().satisfies(r -> {
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("truncated");
            assertThat(r.value()).isEqualTo(Arrays.copyOf(rgb, 4000));
            assertThat(new String(r.headers().lastHeader(Headers.STAGE).value(), StandardCharsets.UTF_8))
                    .isEqualTo("ingest");
            assertThat(new String(r.headers().lastHeader(Headers.ERROR).value(), StandardCharsets.UTF_8))
                    .contains("truncated TIFF");
            assertThat(new String(r.headers().lastHeader(Headers.SOURCE).value(), StandardCharsets.UTF_8))
                    .endsWith("truncated.tif");
        });

        Result second = run(args);
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(second.out()).contains("scenes seen 3 | ingested 0 | skipped 3 | rejected 0 | tiles sent 0")
                .doesNotContain("rejected truncated");
        assertThat(readAll(bootstrap, topic)).hasSize(17);
        assertThat(TopicContents.uncommitted(bootstrap, dlq)).as("the refused file is not sent again").hasSize(1);
    }

    @Test
    void wrongArgumentsAreOneLineAndExitTwo() {
        Result noDir = run("--bootstrap", "127.0.0.1:9", "--dir", tmp.resolve("missing").toString(), "--once");
        assertThat(noDir.code()).isEqualTo(2);
        assertThat(noDir.err().lines().toList()).singleElement().asString().contains("not a directory");
        Result overlap = run("--bootstrap", "127.0.0.1:9", "--dir", tmp.toString(), "--overlap", "200");
        assertThat(overlap.code()).isEqualTo(2);
        assertThat(overlap.err().lines().toList()).singleElement().asString().contains("overlap");
        assertThat(run("--dir", tmp.toString()).code()).isEqualTo(2);
        Result sameTopics = run("--bootstrap", "127.0.0.1:9", "--dir", tmp.toString(), "--topic", "t",
                "--dlq-topic", "t");
        assertThat(sameTopics.code()).isEqualTo(2);
        assertThat(sameTopics.err().lines().toList()).singleElement().asString()
                .contains("--dlq-topic must differ from --topic");
    }

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new IngestFilesCommand());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        cmd.setParameterExceptionHandler(new UsageErrorHandler());
        cmd.setExecutionExceptionHandler(new ExecutionErrorHandler(() -> false));
        int code = cmd.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private static Path sharedData() {
        for (String candidate : new String[] {"../../shared/data", "../shared/data"}) {
            Path p = Path.of(candidate).toAbsolutePath().normalize();
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new IllegalStateException("shared/data not found beside the repository");
    }

    private static List<Tile> readAll(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(16 * 1024 * 1024));
        List<Tile> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(r -> out.add(AvroCodec.tile().decode(r.value())));
            }
        }
        return out;
    }
}
