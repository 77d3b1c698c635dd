package io.satstream.ingest.stac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StacCatalogWalkerTest {
    private final HrefFetcher fetcher = new HrefFetcher(Duration.ofSeconds(5), 64L << 20);

    @Test
    void planetCollectionYieldsItsFiveItemsWithLocalAssets() {
        List<StacItem> items = new StacCatalogWalker(fetcher).walkAll(TestData.planet().resolve("collection.json").toUri());

        assertThat(items).extracting(StacItem::id).containsExactly("20170831_172754_101c", "2017831_195552_SS02",
                "20170831_195425_SS02", "20170831_162740_ssc1d1", "Houston-East-20170831-103f-100d-0f4f-RGB");
        assertThat(items).allSatisfy(item -> {
            assertThat(item.collection()).isEqualTo("planet-disaster-data");
            assertThat(item.assets().values()).allSatisfy(a -> assertThat(Path.of(a.href())).isRegularFile());
        });
        StacItem ps = items.get(0);
        assertThat(ps.datetime()).isEqualTo(Instant.parse("2017-08-31T17:27:54.960530Z"));
        assertThat(ps.assets()).containsOnlyKeys("thumbnail", "analytic", "analytic_xml", "udm", "visual");
        assertThat(ps.assets().get("analytic").roles()).containsExactly("data");
        assertThat(ps.property("pl:item_type")).hasValue("PSScene4Band");
    }

    @Test
    void stacSpecExamplesAreWalkedThroughChildrenAndItems() {
        Path examples = TestData.sharedData().resolve("stac-spec-examples-v1.0.0");
        List<String> problems = new ArrayList<>();
        StacCatalogWalker walker = new StacCatalogWalker(fetcher, problems::add, 1000);

        List<StacItem> fromCatalog = walker.walkAll(examples.resolve("catalog.json").toUri());
        List<StacItem> fromCollection = walker.walkAll(examples.resolve("collection.json").toUri());

        // depth-first in link order: the extensions collection's item, then the catalogue's own item
        assertThat(fromCatalog).extracting(StacItem::id)
                .containsExactly("proj-example", "CS3-20160503_132131_08");
        assertThat(fromCollection).extracting(StacItem::id)
                .containsExactly("20201211_223832_CS2", "20201211_223832_CS2", "20201211_223832_CS2");
        assertThat(fromCollection).extracting(i -> i.documentUri().getPath())
                .allSatisfy(p -> assertThat(p).endsWith("-item.json"));
        assertThat(problems).isEmpty();
        StacItem extended = fromCollection.get(2);
        assertThat(extended.assets().get("analytic").eoBands()).extracting(EoBand::label)
                .containsExactly("blue", "green", "red", "nir");
        assertThat(extended.assets().get("visual").href())
                .isEqualTo(URI.create("https://storage.googleapis.com/open-cogs/stac-examples/20201211_223832_CS2.tif"));
    }

    @Test
    void overHttpRelativeLinksResolveAgainstTheDocumentUrl() throws Exception {
        try (StacApiTestServer server = new StacApiTestServer(TestData.planet())) {
            List<StacItem> items = new StacCatalogWalker(fetcher).walkAll(server.fileUri("collection.json"));

            assertThat(items).hasSize(5);
            StacAsset analytic = items.get(0).assets().get("analytic");
            assertThat(analytic.href()).isEqualTo(server.fileUri(
                    "hurricane-harvey/hurricane-harvey-0831/20170831_172754_101c/20170831_172754_101c_3B_AnalyticMS.tif"));
            assertThat(fetcher.get(analytic.href())).isEqualTo(Files.readAllBytes(TestData.planetItems()
                    .resolve("20170831_172754_101c/20170831_172754_101c_3B_AnalyticMS.tif")));
        }
    }

    @Test
    void brokenChildIsReportedAndSkippedAndCyclesEnd(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("root.json"), """
                {"type":"Catalog","id":"root","links":[
                  {"rel":"child","href":"missing/catalog.json"},
                  {"rel":"child","href":"./sub.json"},
                  {"rel":"item","href":"bad item.json"}]}""");
        Files.writeString(dir.resolve("sub.json"), """
                {"type":"Catalog","id":"sub","links":[{"rel":"child","href":"root.json"},{"rel":"item","href":"i.json"}]}""");
        Files.writeString(dir.resolve("i.json"), """
                {"type":"Feature","id":"i1","properties":{"datetime":"2020-01-01T00:00:00Z"},"assets":{}}""");
        Files.writeString(dir.resolve("bad item.json"), "{not json");
        List<String> problems = new ArrayList<>();

        List<StacItem> items = new StacCatalogWalker(fetcher, problems::add, 100).walkAll(dir.resolve("root.json").toUri());

        assertThat(items).extracting(StacItem::id).containsExactly("i1");
        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).contains("not found").contains("missing");
        assertThat(problems.get(1)).contains("not valid JSON").contains("bad%20item.json");
    }

    @Test
    void unreadableRootIsAnError(@TempDir Path dir) throws Exception {
        StacCatalogWalker walker = new StacCatalogWalker(fetcher);
        assertThatThrownBy(() -> walker.walk(dir.resolve("nope.json").toUri()))
                .isInstanceOf(FetchException.class).hasMessageContaining("not found");
        Files.writeString(dir.resolve("x.json"), "{\"type\":\"Banana\"}");
        assertThatThrownBy(() -> walker.walk(dir.resolve("x.json").toUri()))
                .isInstanceOf(StacFormatException.class).hasMessageContaining("Banana");
    }
}
