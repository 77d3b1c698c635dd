package io.satstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.satstream.ingest.synthetic.SyntheticFeed;
import io.satstream.ingest.synthetic.SyntheticSceneGenerator;
import io.satstream.kafka.EmbeddedKafka;
import io.satstream.kafka.testing.KafkaTestBroker;
import io.satstream.raster.RasterDecoder;
import io.satstream.raster.RasterImage;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.Headers;
import io.satstream.schemas.Tile;

/** The producer and the feed runner against a real broker, read back with a real consumer. */
class TileProducerITCase {
    private static String bootstrap;

    @BeforeAll
    static void broker() {
        bootstrap = KafkaTestBroker.bootstrapServers();
    }

    @Test
    void fiftySyntheticTilesArriveOnceEachAndDecode() throws Exception {
        String topic = newTopic(3);
        List<FeedRunner.Progress> reports = new ArrayList<>();
        FeedRunner.Progress last;
        try (TileProducer producer = new TileProducer(bootstrap, topic);
                SyntheticFeed feed = new SyntheticFeed("it50", 5, 256, 50)) {
            last = FeedRunner.builder(feed, producer).progressEvery(Duration.ofMillis(100)).onProgress(reports::add)
                    .build().run();
        }

        assertThat(last.produced()).isEqualTo(50);
        assertThat(last.acked()).isEqualTo(50);
        assertThat(last.failed()).isZero();
        assertThat(last.finished()).isTrue();
        assertThat(last.reason()).isEqualTo("exhausted");
        assertThat(reports).last().isEqualTo(last);

        List<ConsumerRecord<String, byte[]>> records = readAll(topic, 50);
        assertThat(records).hasSize(50);
        assertThat(records.stream().map(ConsumerRecord::key).distinct()).hasSize(50);
        assertThat(records.stream().map(ConsumerRecord::partition).distinct().count()).isGreaterThan(1);
        AvroCodec<Tile> codec = AvroCodec.tile();
        for (ConsumerRecord<String, byte[]> record : records) {
            Tile tile = codec.decode(record.value());
            assertThat(tile.getTileId()).isEqualTo(record.key()).startsWith("synthetic-it50-");
            assertThat(header(record, Headers.SOURCE)).isEqualTo("synthetic");
            assertThat(tile.getLabelMask().remaining()).isEqualTo(256 * 256);
            assertThat(tile.getLabelClasses()).isEqualTo(SyntheticSceneGenerator.CLASS_NAMES);
            RasterImage image = RasterImage.fromTile(tile);
            assertThat(image.pixelCount()).isEqualTo(256 * 256);
            assertThat(image.georef().getEpsg()).isEqualTo(3857);
        }
    }

    @Test
    void rawImageBytesTravelUnchangedWithTheirHeaders() throws Exception {
        String topic = newTopic(1);
        Path jpeg = Path.of("..", "..", "shared", "data", "dubai-aerial-semseg", "Tile 1", "images", "image_part_001.jpg");
        byte[] bytes = Files.readAllBytes(jpeg);
        try (TileProducer producer = new TileProducer(bootstrap, topic)) {
            RecordMetadata metadata = producer.sendRaw("dubai-1-001", bytes,
                    Map.of(Headers.SOURCE, "files:dubai")).get(30, TimeUnit.SECONDS);
            assertThat(metadata.topic()).isEqualTo(topic);
            assertThat(producer.acked()).isEqualTo(1);
        }

        ConsumerRecord<String, byte[]> record = readAll(topic, 1).get(0);
        assertThat(record.key()).isEqualTo("dubai-1-001");
        assertThat(record.value()).isEqualTo(bytes);
        assertThat(header(record, Headers.SOURCE)).isEqualTo("files:dubai");
        assertThat(new RasterDecoder().decode(record.value()).width()).isEqualTo(797);
    }

    @Test
    void theRunnerKeepsTheRateAndStopsAtTheDuration() throws Exception {
        String topic = newTopic(1);
        FeedRunner.Progress last;
        try (TileProducer producer = new TileProducer(bootstrap, topic);
                SyntheticFeed feed = new SyntheticFeed("rate", 1, 64, -1)) {
            last = FeedRunner.builder(feed, producer).rate(20).maxDuration(Duration.ofMillis(1500)).build().run();
        }
        assertThat(last.reason()).isEqualTo("duration");
        // 20/s for 1.5 s: 30 permits, the first at t=0 and the last due just before the end
        assertThat(last.produced()).isBetween(26L, 31L);
        assertThat(last.acked()).isEqualTo(last.produced());
        assertThat(last.tilesPerSecond()).isBetween(16.0, 21.0);
    }

    @Test
    void theRunnerStopsAtACountOrWhenAsked() throws Exception {
        String topic = newTopic(1);
        try (TileProducer producer = new TileProducer(bootstrap, topic);
                SyntheticFeed feed = new SyntheticFeed("count", 1, 32, -1)) {
            FeedRunner.Progress counted = FeedRunner.builder(feed, producer).maxTiles(7).build().run();
            assertThat(counted.reason()).isEqualTo("count");
            assertThat(counted.produced()).isEqualTo(7);
            assertThat(producer.acked()).isEqualTo(7);

            FeedRunner runner = FeedRunner.builder(feed, producer).rate(50).build();
            Thread stopper = new Thread(() -> {
                try {
                    Thread.sleep(400);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                runner.stop();
            });
            long start = System.nanoTime();
            stopper.start();
            FeedRunner.Progress stopped = runner.run();
            stopper.join();
            assertThat(stopped.reason()).isEqualTo("stopped");
            assertThat(stopped.produced()).isBetween(10L, 30L);
            assertThat((System.nanoTime() - start) / 1e9).isLessThan(5);
            assertThat(producer.acked()).isEqualTo(7 + stopped.produced());
        }
        assertThat(readAll(topic, -1).stream().map(ConsumerRecord::key).distinct()).hasSizeGreaterThan(16);
    }

    @Test
    void aRecordAboveTheLimitFailsAndIsCounted() throws Exception {
        String topic = newTopic(1);
        try (TileProducer producer = new TileProducer(bootstrap, topic)) {
            Future<RecordMetadata> future = producer.sendRaw("huge", new byte[TileProducer.MAX_REQUEST_BYTES + 1],
                    Map.of());
            try {
                future.get(30, TimeUnit.SECONDS);
                throw new AssertionError("a record above max.request.size was accepted");
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(RecordTooLargeException.class);
            }
            producer.flush();
            assertThat(producer.sent()).isEqualTo(1);
            assertThat(producer.failed()).isEqualTo(1);
            assertThat(producer.acked()).isZero();
            assertThat(producer.pending()).isZero();
            assertThat(producer.lastError()).isInstanceOf(RecordTooLargeException.class);
        }
    }

    private static String newTopic(int partitions) throws Exception {
        String name = "ingest-it-" + UUID.randomUUID();
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)
                    .configs(Map.of("max.message.bytes", String.valueOf(EmbeddedKafka.MAX_MESSAGE_BYTES)))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        return name;
    }

    /** Reads from the beginning until {@code expected} records (or, with -1, until 3 s without any). */
    private static List<ConsumerRecord<String, byte[]>> readAll(String topic, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(EmbeddedKafka.MAX_MESSAGE_BYTES));
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(EmbeddedKafka.MAX_MESSAGE_BYTES));
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long quietSince = System.nanoTime();
            while (System.nanoTime() < deadline) {
                var batch = consumer.poll(Duration.ofMillis(200));
                batch.forEach(out::add);
                if (!batch.isEmpty()) {
                    quietSince = System.nanoTime();
                }
                if (expected >= 0 && out.size() >= expected) {
                    // one more poll, so that duplicates beyond the expected count would be seen
                    consumer.poll(Duration.ofMillis(500)).forEach(out::add);
                    break;
                }
                if (expected < 0 && !out.isEmpty() && System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(3)) {
                    break;
                }
            }
        }
        return out;
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
