package io.satstream.ingest.stac;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.satstream.ingest.ledger.ExactlyOnceSceneWriter;
import io.satstream.ingest.ledger.IngestLedger;
import io.satstream.ingest.ledger.SceneIngestRunner;
import io.satstream.ingest.ledger.TopicReader;
import io.satstream.ingest.tiling.Tiler;
import io.satstream.ingest.tiling.TilerSettings;
import io.satstream.kafka.testing.KafkaTestBroker;
import io.satstream.kafka.testing.TopicContents;
import io.satstream.schemas.Headers;

/**
 * STAC items through the exactly-once writer: an item whose asset is a cut GeoTIFF is refused for good and
 * its asset goes once to the dead-letter topic; an item whose asset answers 404 may work later, so it does
 * not, and the next run asks for it again.
 */
class StacDeadLetterITCase {
    @TempDir
    Path work;

    @Test
    void aBadAssetIsDeadLetteredOnceAndAnUnreachableOneIsRetriedInstead(@TempDir Path files) throws Exception {
        byte[] good = Files.readAllBytes(TestData.planetItems()
                .resolve("20170831_195425_SS02/SkySat_PortArthur_s02_20170831T195425Z.tif"));
        byte[] cut = Arrays.copyOf(good, good.length / 3);
        Files.write(files.resolve("good.tif"), good);
        Files.write(files.resolve("cut.tif"), cut);
        String bootstrap = KafkaTestBroker.bootstrapServers();
        String topic = TopicReader.newTopic(bootstrap, 2);
        String dlq = TopicReader.newTopic(bootstrap, 2);
        ExactlyOnceSceneWriter.Settings settings = ExactlyOnceSceneWriter.Settings.of(bootstrap, topic,
                "satstream-ingest-stac-it-" + UUID.randomUUID()).withDlqTopic(dlq);
        try (StacApiTestServer server = new StacApiTestServer(files)) {
            for (String[] item : List.of(new String[] {"good", "good.tif"}, new String[] {"cut", "cut.tif"},
                    new String[] {"gone", "nothing-here.tif"})) {
                Files.writeString(files.resolve(item[0] + ".json"), "{\"type\":\"Feature\",\"id\":\"" + item[0]
                        + "\",\"properties\":{\"datetime\":\"2020-01-01T00:00:00Z\"},\"assets\":{\"img\":{\"href\":\""
                        + server.fileUri(item[1]) + "\",\"roles\":[\"data\"]}}}");
            }
            Files.writeString(files.resolve("catalog.json"), "{\"type\":\"Catalog\",\"id\":\"c\",\"links\":["
                    + "{\"rel\":\"item\",\"href\":\"good.json\"},{\"rel\":\"item\",\"href\":\"cut.json\"},"
                    + "{\"rel\":\"item\",\"href\":\"gone.json\"}]}");

            StacItemFeed.Stats first = run(server, settings);
            assertThat(first).isEqualTo(new StacItemFeed.Stats(3, 1, 0, 2, 4));
            List<ConsumerRecord<byte[], byte[]>> dead = TopicContents.committed(bootstrap, dlq);
            assertThat(dead).singleElement().satisfies(r -> {
                assertThat(utf8(r.key())).isEqualTo("cut");
                assertThat(r.value()).isEqualTo(cut);
                assertThat(utf8(r.headers().lastHeader(Headers.STAGE).value())).isEqualTo("ingest");
                assertThat(utf8(r.headers().lastHeader(Headers.ERROR).value())).contains("truncated TIFF");
                assertThat(utf8(r.headers().lastHeader(Headers.SOURCE).value()))
                        .isEqualTo(server.fileUri("cut.tif").toString());
            });

            int before = server.fileRequests.get();
            StacItemFeed.Stats second = run(server, settings);
            assertThat(second).isEqualTo(new StacItemFeed.Stats(3, 0, 2, 1, 0));
            // the catalogue, its 3 items, and of the assets only the unreachable one again
            assertThat(server.fileRequests.get() - before).isEqualTo(4 + 1);
        }
        assertThat(TopicContents.uncommitted(bootstrap, dlq)).as("nothing dead-lettered twice").hasSize(1);
        assertThat(TopicContents.committed(bootstrap, topic)).hasSize(4);
    }

    private StacItemFeed.Stats run(StacApiTestServer server, ExactlyOnceSceneWriter.Settings settings)
            throws InterruptedException {
        HrefFetcher fetcher = new HrefFetcher(Duration.ofSeconds(5), 64L << 20);
        try (IngestLedger ledger = IngestLedger.open(work.resolve("ledger.jsonl"));
                ExactlyOnceSceneWriter writer = ExactlyOnceSceneWriter.open(settings, ledger);
                StacItemFeed feed = StacItemFeed.catalog(new StacCatalogWalker(fetcher), server.fileUri("catalog.json"))
                        .fetcher(fetcher).tiler(new Tiler(new TilerSettings(160, 32))).ledger(ledger)
                        .assets(AssetChoice.byRole()).build()) {
            new SceneIngestRunner(feed, writer, Duration.ofSeconds(1), p -> { }).run();
            assertThat(feed.exhausted()).isTrue();
            return feed.stats();
        }
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
