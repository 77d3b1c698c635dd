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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.satstream.ingest.ledger.ExactlyOnceSceneWriter;
import io.satstream.ingest.ledger.IngestLedger;
import io.satstream.ingest.ledger.SceneIngestRunner;
import io.satstream.ingest.ledger.TopicReader;
import io.satstream.ingest.tiling.Tiler;
import io.satstream.ingest.tiling.TilerSettings;
import io.satstream.kafka.testing.KafkaTestBroker;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.Tile;

/**
 * The acceptance for STAC API polling: a test server serves {@code /search} over the Planet items (assets
 * served by it too, paging with limit 2); a first poll ingests them, a new item appears, a second run
 * (restarted: cursor and ledger from the work dir) ingests only the new one. Every scene's tiles are on
 * the topic exactly once. Also the crash case: a run that stopped between a scene's Kafka commit and its
 * ledger line does not send that scene again.
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
        String topic = TopicReader.newTopic(bootstrap, 2);
        String txId = "satstream-ingest-stac-it-" + UUID.randomUUID();
        Path items = TestData.planetItems();
        try (StacApiTestServer server = new StacApiTestServer(items)) {
            List<ObjectNode> planet = new ArrayList<>();
            for (String id : PLANET) {
                planet.add(served(server, id));
            }
            // the first poll sees four items; the fifth is published later
            planet.subList(0, 4).forEach(server::add);
            StacSearch search = new StacSearch(List.of("planet-disaster-data"), new double[] {-97, 28, -93, 31}, 2, method);

            Map<String, Long> first = ingest(poll(server, search), topic, bootstrap, txId).committed();
            assertThat(first).containsOnlyKeys(PLANET.subList(0, 4)).allSatisfy((id, n) -> assertThat(n).isEqualTo(4));
            Instant latestFirst = PLANET.subList(0, 4).stream().map(id -> datetime(planet, id)).max(Instant::compareTo).get();
            assertThat(Files.readString(work.resolve("cursor")).trim()).isEqualTo(latestFirst.toString());

            server.add(planet.get(4));
            int searchesBefore = server.searchRequests.get();
            Map<String, Long> second = ingest(poll(server, search), topic, bootstrap, txId).committed();

            // the item at the cursor's datetime comes back (inclusive range) and the ledger drops it
            assertThat(second).containsOnlyKeys(PLANET.get(4));
            assertThat(server.searchRequests.get() - searchesBefore).as("one page: the cursor item and the new one")
                    .isEqualTo(1);
            Map<String, Long> onTopic = tilesPerScene(bootstrap, topic);
            assertThat(onTopic).containsOnlyKeys(PLANET).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(4));
        }
    }

    /**
     * A crash after the last scene's transaction committed but before its ledger line: the ledger is cut back
     * to exactly what such a crash leaves (that scene {@code pending}); the rerun finds the scene's tiles on
     * the topic, records it, and sends nothing again, so every tile is on the topic once, read_committed.
     */
    @Test
    void aCrashBetweenCommitAndLedgerLineSendsNothingTwice() throws Exception {
        String bootstrap = KafkaTestBroker.bootstrapServers();
        String topic = TopicReader.newTopic(bootstrap, 2);
        String txId = "satstream-ingest-stac-it-" + UUID.randomUUID();
        Path ledgerFile = work.resolve("ledger.jsonl");

        Run first = ingest(catalog(), topic, bootstrap, txId);
        assertThat(first.committed()).containsOnlyKeys(PLANET).allSatisfy((id, n) -> assertThat(n).isEqualTo(4));
        assertThat(first.recovery()).isEqualTo(new ExactlyOnceSceneWriter.Recovery(0, 0));
        List<ConsumerRecord<String, byte[]>> before = TopicReader.readAll(bootstrap, topic, true);
        assertThat(before).hasSize(20);

        List<String> lines = Files.readAllLines(ledgerFile);
        String last = lines.get(lines.size() - 1);
        assertThat(last).contains("committed");
        String cutScene = PLANET.stream().filter(id -> last.contains("\"scene\":\"" + id + "\"")).findFirst()
                .orElseThrow();
        assertThat(lines.get(lines.size() - 2)).contains("\"scene\":\"" + cutScene + "\"").contains("pending");
        Files.write(ledgerFile, lines.subList(0, lines.size() - 1));

        Run second = ingest(catalog(), topic, bootstrap, txId);
        assertThat(second.recovery()).as("the cut scene was found committed").isEqualTo(
                new ExactlyOnceSceneWriter.Recovery(1, 0));
        assertThat(second.committed()).as("nothing sent again").isEmpty();
        assertThat(second.stats()).isEqualTo(new StacItemFeed.Stats(5, 0, 5, 0, 0));
        try (IngestLedger ledger = IngestLedger.open(ledgerFile)) {
            assertThat(ledger.unsettled()).isEmpty();
            assertThat(ledger.latest(cutScene).orElseThrow().tiles()).isEqualTo(4);
        }
        List<ConsumerRecord<String, byte[]>> after = TopicReader.readAll(bootstrap, topic, true);
        assertThat(after).extracting(ConsumerRecord::key).doesNotHaveDuplicates().hasSize(20)
                .containsExactlyInAnyOrderElementsOf(before.stream().map(ConsumerRecord::key).toList());
        assertThat(TopicReader.readAll(bootstrap, topic, false)).as("not even an aborted attempt").hasSize(20);
        Map<String, Long> perScene = new HashMap<>();
        after.forEach(r -> perScene.merge(AvroCodec.tile().decode(r.value()).getSceneId(), 1L, Long::sum));
        assertThat(perScene).containsOnlyKeys(PLANET).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(4));
    }

    private record Run(Map<String, Long> committed, ExactlyOnceSceneWriter.Recovery recovery, StacItemFeed.Stats stats) {}

    private StacItemFeed.Builder poll(StacApiTestServer server, StacSearch search) {
        HrefFetcher fetcher = new HrefFetcher(Duration.ofSeconds(5), 64L << 20);
        StacSearchPoller poller = new StacSearchPoller(server.base(), search, fetcher, work.resolve("cursor"));
        return StacItemFeed.search(poller, Duration.ofMinutes(1), true).fetcher(fetcher);
    }

    private static StacItemFeed.Builder catalog() {
        HrefFetcher fetcher = new HrefFetcher(Duration.ofSeconds(5), 64L << 20);
        return StacItemFeed.catalog(new StacCatalogWalker(fetcher), TestData.planet().resolve("collection.json").toUri())
                .fetcher(fetcher);
    }

    /** One run of the feed as the command does it (exactly-once writer, scene runner): tiles per scene committed. */
    private Run ingest(StacItemFeed.Builder builder, String topic, String bootstrap, String txId)
            throws InterruptedException {
        Map<String, Long> committed = new HashMap<>();
        try (IngestLedger ledger = IngestLedger.open(work.resolve("ledger.jsonl"));
                ExactlyOnceSceneWriter writer = ExactlyOnceSceneWriter.open(
                        ExactlyOnceSceneWriter.Settings.of(bootstrap, topic, txId), ledger);
                StacItemFeed feed = builder.tiler(new Tiler(new TilerSettings(160, 32))).ledger(ledger)
                        .assets(AssetChoice.byBands(List.of("red", "green", "blue"))).build()) {
            SceneIngestRunner.Progress p = new SceneIngestRunner(feed, writer, Duration.ofSeconds(1), progress -> {
                if (progress.last() != null && progress.last().outcome() == ExactlyOnceSceneWriter.Outcome.COMMITTED) {
                    committed.put(progress.lastScene(), (long) progress.last().tiles());
                }
            }).run();
            assertThat(feed.exhausted()).isTrue();
            assertThat(p.rejected()).isZero();
            assertThat(feed.stats().rejected()).isZero();
            return new Run(committed, writer.recovery(), feed.stats());
        }
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
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
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
