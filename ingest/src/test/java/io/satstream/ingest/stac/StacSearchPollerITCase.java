package io.satstream.ingest.stac;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.satstream.ingest.FeedRunner;
import io.satstream.ingest.TileProducer;
import io.satstream.ingest.ledger.IngestLedger;
import io.satstream.ingest.tiling.Tiler;
import io.satstream.ingest.tiling.TilerSettings;
import io.satstream.kafka.testing.KafkaTestBroker;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.Tile;

/**
 * The acceptance for STAC API polling: a test server serves {@code /search} over the Planet items (assets
 * served by it too, paging with limit 2); a first poll ingests them, a new item appears, a second run
 * (restarted: cursor and ledger from the work dir) ingests only the new one. Every scene's tiles are on
 * the topic exactly once.
 */
class StacSearchPollerITCase {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The last one is the latest (a datetime cursor can only see items newer than what it saw). */
    private static final List<String> PLANET = List.of("20170831_172754_101c", "Houston-East-20170831-103f-100d-0f4f-RGB",
            "20170831_195425_SS02", "20170831_162740_ssc1d1", "2017831_195552_SS02");

    @TempDir
    Path work;

    @ParameterizedTest
    @EnumSource(StacSearch.Method.class)
    void pollTwiceIngestsTheNewItemOnlyAndNothingTwice(StacSearch.Method method) throws Exception {
        String bootstrap = KafkaTestBroker.bootstrapServers();
        String topic = "stac-it-" + UUID.randomUUID();
        Path items = TestData.planetItems();
        try (StacApiTestServer server = new StacApiTestServer(items)) {
            List<ObjectNode> planet = new ArrayList<>();
            for (String id : PLANET) {
                planet.add(served(server, id));
            }
            // the first poll sees four items; the fifth is published later
            planet.subList(0, 4).forEach(server::add);
            StacSearch search = new StacSearch(List.of("planet-disaster-data"), new double[] {-97, 28, -93, 31}, 2, method);

            Map<String, Long> first = ingest(server, search, topic, bootstrap);
            assertThat(first).containsOnlyKeys(PLANET.subList(0, 4)).allSatisfy((id, n) -> assertThat(n).isEqualTo(4));
            Instant latestFirst = PLANET.subList(0, 4).stream().map(id -> datetime(planet, id)).max(Instant::compareTo).get();
            assertThat(Files.readString(work.resolve("cursor")).trim()).isEqualTo(latestFirst.toString());

            server.add(planet.get(4));
            int searchesBefore = server.searchRequests.get();
            Map<String, Long> second = ingest(server, search, topic, bootstrap);

            // the item at the cursor's datetime comes back (inclusive range) and the ledger drops it
            assertThat(second).containsOnlyKeys(PLANET.get(4));
            assertThat(server.searchRequests.get() - searchesBefore).as("one page: the cursor item and the new one")
                    .isEqualTo(1);
            Map<String, Long> onTopic = tilesPerScene(bootstrap, topic);
            assertThat(onTopic).containsOnlyKeys(PLANET).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(4));
        }
    }

    /** One run of the feed as the command does it (once, FeedRunner, flushing committer): tiles per scene committed. */
    private Map<String, Long> ingest(StacApiTestServer server, StacSearch search, String topic, String bootstrap)
            throws InterruptedException {
        HrefFetcher fetcher = new HrefFetcher(Duration.ofSeconds(5), 64L << 20);
        StacSearchPoller poller = new StacSearchPoller(server.base(), search, fetcher, work.resolve("cursor"));
        Map<String, Long> committed = new HashMap<>();
        try (IngestLedger ledger = IngestLedger.open(work.resolve("ledger.jsonl"));
                TileProducer producer = new TileProducer(bootstrap, topic)) {
            SceneCommitter flushing = SceneCommitter.flushing(producer, ledger);
            try (StacItemFeed feed = StacItemFeed.search(poller, Duration.ofMinutes(1), true)
                    .fetcher(fetcher).tiler(new Tiler(new TilerSettings(160, 32))).ledger(ledger)
                    .assets(AssetChoice.byBands(List.of("red", "green", "blue")))
                    .committer((scene, fingerprint, n) -> {
                        boolean ok = flushing.sceneSent(scene, fingerprint, n);
                        committed.put(scene.sceneId(), (long) n);
                        return ok;
                    }).build()) {
                FeedRunner.Progress p = FeedRunner.builder(feed, producer).build().run();
                assertThat(p.reason()).isEqualTo("exhausted");
                assertThat(p.failed()).isZero();
                assertThat(feed.stats().rejected()).isZero();
            }
        }
        return committed;
    }

    private ObjectNode served(StacApiTestServer server, String id) throws Exception {
        Path dir = TestData.planetItems().resolve(id);
        ObjectNode item = (ObjectNode) JSON.readTree(dir.resolve(id + ".json").toFile());
        item.withObject("/assets").fields().forEachRemaining(a -> {
            String href = a.getValue().get("href").asText().replaceFirst("^\\./", "");
            ((ObjectNode) a.getValue()).put("href", server.fileUri(id + "/" + href).toString());
        });
        item.remove("links");
        return item;
    }

    private static Instant datetime(List<ObjectNode> items, String id) {
        return items.stream().filter(i -> i.get("id").asText().equals(id)).findFirst()
                .map(i -> Instant.parse(i.get("properties").get("datetime").asText())).orElseThrow();
    }

    private static Map<String, Long> tilesPerScene(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(16 * 1024 * 1024));
        Map<String, Long> out = new HashMap<>();
        List<String> ids = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(r -> {
                    Tile t = AvroCodec.tile().decode(r.value());
                    assertThat(r.key()).isEqualTo(t.getTileId());
                    ids.add(t.getTileId());
                    out.merge(t.getSceneId(), 1L, Long::sum);
                });
            }
        }
        assertThat(ids).as("no tile id twice").doesNotHaveDuplicates();
        return out;
    }
}
