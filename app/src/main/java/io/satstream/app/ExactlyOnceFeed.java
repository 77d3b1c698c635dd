package io.satstream.app;

import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.satstream.ingest.files.DirectoryFeed;
import io.satstream.ingest.files.DirectoryFeedSettings;
import io.satstream.ingest.files.FileRejection;
import io.satstream.ingest.ledger.ExactlyOnceSceneWriter;
import io.satstream.ingest.ledger.IngestLedger;
import io.satstream.ingest.ledger.SceneSource;
import io.satstream.ingest.stac.HrefFetcher;
import io.satstream.ingest.stac.StacCatalogWalker;
import io.satstream.ingest.stac.StacItemFeed;
import io.satstream.ingest.stac.StacSearchPoller;
import io.satstream.ingest.tiling.Tiler;
import io.satstream.ingest.xyz.XyzTileFeed;
import io.satstream.raster.RasterDecoder;

/**
 * An exactly-once scene feed ready to run, built the same way for {@code ingest files|stac|xyz} and for
 * {@code demo --source dir:|stac:}: its ledger ({@code <ingest dir>/<feed>-ledger.jsonl}), the transactional
 * writer (tiles to the target topic, refused scenes to its dead-letter topic; transactional id from
 * {@link IngestTransactionalIds}) and the feed itself. Opening the writer fences and settles a crashed run;
 * closing closes all three.
 */
final class ExactlyOnceFeed<F extends SceneSource & AutoCloseable> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExactlyOnceFeed.class);
    static final String FILES_LEDGER = "files-ledger.jsonl";
    static final String STAC_LEDGER = "stac-ledger.jsonl";
    static final String XYZ_LEDGER = "xyz-ledger.jsonl";

    private final IngestLedger ledger;
    private final ExactlyOnceSceneWriter writer;
    private final F feed;

    private ExactlyOnceFeed(IngestLedger ledger, ExactlyOnceSceneWriter writer, F feed) {
        this.ledger = ledger;
        this.writer = writer;
        this.feed = feed;
    }

    /** A directory feed; {@code onRejection} hears of each refused file as it is handed to the writer. */
    static ExactlyOnceFeed<DirectoryFeed> files(FeedTarget target, Path ingestDir, DirectoryFeedSettings settings,
            Consumer<FileRejection> onRejection) {
        return open(target, "files", ingestDir.resolve(FILES_LEDGER),
                ledger -> new DirectoryFeed(settings, ledger, onRejection));
    }

    /** A static catalogue walk or STAC API polls, as {@code spec} says; a search keeps its cursor in {@code ingestDir}. */
    static ExactlyOnceFeed<StacItemFeed> stac(FeedTarget target, Path ingestDir, StacFeedSpec spec) {
        return open(target, "stac", ingestDir.resolve(STAC_LEDGER), ledger -> {
            StacItemFeed.Builder builder = spec.isSearch()
                    ? StacItemFeed.search(new StacSearchPoller(spec.root(), spec.search(), spec.fetcher(),
                            ingestDir.resolve(spec.cursorFileName())), spec.poll(), spec.once())
                    : StacItemFeed.catalog(new StacCatalogWalker(spec.fetcher()), spec.root());
            return builder.fetcher(spec.fetcher()).tiler(new Tiler(spec.tiling())).ledger(ledger).assets(spec.assets())
                    .build();
        });
    }

    static ExactlyOnceFeed<XyzTileFeed> xyz(FeedTarget target, Path ingestDir, XyzTileFeed.Settings settings,
            HrefFetcher fetcher) {
        return open(target, "xyz", ingestDir.resolve(XYZ_LEDGER),
                ledger -> new XyzTileFeed(settings, fetcher, new RasterDecoder(), ledger));
    }

    private static <F extends SceneSource & AutoCloseable> ExactlyOnceFeed<F> open(FeedTarget target, String name,
            Path ledgerFile, Function<IngestLedger, F> newFeed) {
        IngestLedger ledger = IngestLedger.open(ledgerFile);
        ExactlyOnceSceneWriter writer = null;
        try {
            writer = ExactlyOnceSceneWriter.open(target.writerSettings(name, ledgerFile), ledger);
            return new ExactlyOnceFeed<>(ledger, writer, newFeed.apply(ledger));
        } catch (RuntimeException e) {
            if (writer != null) {
                writer.close();
            }
            ledger.close();
            throw e;
        }
    }

    F feed() {
        return feed;
    }

    ExactlyOnceSceneWriter writer() {
        return writer;
    }

    @Override
    public void close() {
        try {
            feed.close();
        } catch (Exception e) {
            LOG.warn("closing the {} feed failed: {}", feed.getClass().getSimpleName(), e.toString());
        } finally {
            try {
                writer.close();
            } finally {
                ledger.close();
            }
        }
    }
}
