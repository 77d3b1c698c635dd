package io.satstream.ingest.stac;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import io.satstream.ingest.stac.internal.StacJson;

/**
 * Walks a static STAC catalogue: from a Catalog, Collection, Item or ItemCollection document it follows
 * {@code child} and {@code item} links depth-first in document order, resolving relative hrefs against
 * the URL of the document they appear in ({@code file:} or {@code http(s):}), and yields the item of every
 * document it reaches.
 * Lazy: a document is read only when the iteration reaches it, so large catalogues stream. A child or
 * item that cannot be read or parsed is reported to the problem listener and skipped; only the root
 * failing is an error. Each document is read at most once, so link cycles end.
 */
public final class StacCatalogWalker {
    private static final Logger LOG = LoggerFactory.getLogger(StacCatalogWalker.class);
    /** Guard against generated link mazes; far beyond any real static catalogue a feed walks in one go. */
    public static final int DEFAULT_MAX_DOCUMENTS = 1_000_000;

    private final HrefFetcher fetcher;
    private final Consumer<String> onProblem;
    private final int maxDocuments;

    public StacCatalogWalker(HrefFetcher fetcher) {
        this(fetcher, problem -> { }, DEFAULT_MAX_DOCUMENTS);
    }

    /** @param onProblem receives a one-line description of each document that was skipped */
    public StacCatalogWalker(HrefFetcher fetcher, Consumer<String> onProblem, int maxDocuments) {
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.onProblem = Objects.requireNonNull(onProblem, "onProblem");
        if (maxDocuments < 1) {
            throw new IllegalArgumentException("maxDocuments must be >= 1, got " + maxDocuments);
        }
        this.maxDocuments = maxDocuments;
    }

    /** The root is read now (so a wrong URL fails here, with a {@link FetchException} or {@link StacFormatException}). */
    public Iterator<StacItem> walk(URI root) {
        Objects.requireNonNull(root, "root");
        JsonNode doc = StacJson.parse(fetcher.getDocument(root), root);
        String type = StacJson.type(doc);
        if (!List.of("Catalog", "Collection", "Feature", "FeatureCollection").contains(type)) {
            throw new StacFormatException("not a STAC catalogue, collection or item (type '" + type + "'): " + root);
        }
        return new Walk(root, doc);
    }

    /** Walks the whole catalogue into a list. */
    public List<StacItem> walkAll(URI root) {
        List<StacItem> items = new ArrayList<>();
        walk(root).forEachRemaining(items::add);
        return items;
    }

    private final class Walk implements Iterator<StacItem> {
        private final Deque<URI> pending = new ArrayDeque<>();
        private final Deque<StacItem> ready = new ArrayDeque<>();
        private final Set<URI> seen = new HashSet<>();

        Walk(URI root, JsonNode rootDoc) {
            seen.add(root.normalize());
            expand(root, rootDoc);
        }

        @Override
        public boolean hasNext() {
            while (ready.isEmpty() && !pending.isEmpty()) {
                URI next = pending.pop();
                JsonNode doc;
                try {
                    doc = StacJson.parse(fetcher.getDocument(next), next);
                } catch (FetchException | StacFormatException e) {
                    problem("skipped " + next + ": " + e.getMessage());
                    continue;
                }
                expand(next, doc);
            }
            return !ready.isEmpty();
        }

        @Override
        public StacItem next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.poll();
        }

        private void expand(URI uri, JsonNode doc) {
            switch (StacJson.type(doc)) {
                case "Feature" -> add(uri, doc);
                case "FeatureCollection" -> doc.path("features").forEach(f -> add(uri, f));
                case "Catalog", "Collection" -> {
                    List<URI> links;
                    try {
                        links = StacJson.links(doc, uri, "child", "item");
                    } catch (StacFormatException e) {
                        problem("skipped links of " + uri + ": " + e.getMessage());
                        return;
                    }
                    // a stack: push in reverse so that links are visited in document order
                    for (int i = links.size() - 1; i >= 0; i--) {
                        URI link = links.get(i).normalize();
                        if (seen.size() >= maxDocuments) {
                            problem("stopped following links after " + maxDocuments + " documents");
                            return;
                        }
                        if (seen.add(link)) {
                            pending.push(link);
                        }
                    }
                }
                default -> problem("skipped " + uri + ": not a STAC document (type '" + StacJson.type(doc) + "')");
            }
        }

        private void add(URI uri, JsonNode doc) {
            try {
                // no de-duplication by id here: that is the ledger's job (the stac-spec examples reuse one id)
                ready.add(StacJson.item(doc, uri));
            } catch (StacFormatException e) {
                problem("skipped an item of " + uri + ": " + e.getMessage());
            }
        }

        private void problem(String line) {
            LOG.warn("{}", line);
            onProblem.accept(line);
        }
    }
}
