package io.satstream.ingest.stac;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.satstream.ingest.stac.internal.StacJson;

/**
 * Polls a STAC API {@code /search} for items at or after a datetime cursor ({@code datetime=<cursor>/..}),
 * following {@code next} links (GET, or POST with the link's {@code body} and {@code merge}) through all
 * pages. The cursor is the latest datetime of an item the caller has finished with ({@link #advance});
 * it is kept in a file, so a restarted feed asks only for what is new. The range is inclusive, so items
 * that share the cursor's datetime come back on the next poll: the caller drops those it already has
 * (the ingest ledger does). Not thread-safe.
 */
public final class StacSearchPoller {
    /** Guard against a server whose next links never end. */
    public static final int DEFAULT_MAX_PAGES = 10_000;

    private final URI searchUri;
    private final StacSearch search;
    private final HrefFetcher fetcher;
    private final Path cursorFile;
    private final int maxPages;
    private Instant cursor;

    /**
     * @param api the API's landing page or its {@code /search} endpoint
     * @param cursorFile where the cursor is kept between runs, or null to keep it in memory only
     */
    public StacSearchPoller(URI api, StacSearch search, HrefFetcher fetcher, Path cursorFile) {
        this(api, search, fetcher, cursorFile, DEFAULT_MAX_PAGES);
    }

    public StacSearchPoller(URI api, StacSearch search, HrefFetcher fetcher, Path cursorFile, int maxPages) {
        this.searchUri = searchEndpoint(Objects.requireNonNull(api, "api"));
        this.search = Objects.requireNonNull(search, "search");
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.cursorFile = cursorFile;
        this.maxPages = maxPages;
        this.cursor = cursorFile == null ? null : readCursor(cursorFile);
    }

    static URI searchEndpoint(URI api) {
        String s = api.toString();
        if (s.endsWith("/search")) {
            return api;
        }
        return URI.create(s.endsWith("/") ? s + "search" : s + "/search");
    }

    public URI searchUri() {
        return searchUri;
    }

    /** The datetime from which the next poll asks, if any item was finished yet. */
    public Optional<Instant> cursor() {
        return Optional.ofNullable(cursor);
    }

    /**
     * One poll: every page of items at or after the cursor, ordered by datetime then id (so finishing
     * them in order moves the cursor monotonically). Items without a datetime come first.
     *
     * @throws FetchException or {@link StacFormatException} when a page cannot be read
     */
    public List<StacItem> poll() {
        List<StacItem> items = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Set<String> requested = new HashSet<>();
        Page page = firstPage();
        int pages = 0;
        while (page != null) {
            if (++pages > maxPages) {
                throw new FetchException("more than " + maxPages + " pages from " + searchUri + "; giving up this poll");
            }
            if (!requested.add(page.key())) {
                break; // a next link pointing back at a page already read
            }
            JsonNode doc = StacJson.parse(page.fetch(fetcher), page.uri);
            if (!"FeatureCollection".equals(StacJson.type(doc))) {
                throw new StacFormatException("search answer is not a FeatureCollection: " + page.uri);
            }
            for (JsonNode feature : doc.path("features")) {
                StacItem item = StacJson.item(feature, page.uri);
                boolean fresh = cursor == null || item.datetime() == null || !item.datetime().isBefore(cursor);
                if (fresh && ids.add(item.id())) {
                    items.add(item);
                }
            }
            page = nextPage(doc, page);
        }
        items.sort(Comparator.comparing(StacItem::datetime, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(StacItem::id));
        return items;
    }

    /** Moves the cursor to {@code datetime} if that is later, and persists it (atomically) before returning. */
    public void advance(Instant datetime) {
        if (datetime == null || (cursor != null && !datetime.isAfter(cursor))) {
            return;
        }
        cursor = datetime;
        if (cursorFile != null) {
            writeCursor(cursorFile, datetime);
        }
    }

    private Page firstPage() {
        ObjectNode body = StacJson.MAPPER.createObjectNode();
        if (cursor != null) {
            body.put("datetime", cursor + "/..");
        }
        body.put("limit", search.limit());
        if (!search.collections().isEmpty()) {
            search.collections().forEach(body.putArray("collections")::add);
        }
        double[] bbox = search.bbox();
        if (bbox != null) {
            var array = body.putArray("bbox");
            for (double v : bbox) {
                array.add(v);
            }
        }
        if (search.method() == StacSearch.Method.POST) {
            return new Page(searchUri, body);
        }
        return new Page(withQuery(searchUri, body), null);
    }

    private Page nextPage(JsonNode doc, Page current) {
        for (JsonNode link : doc.path("links")) {
            if (!"next".equals(link.path("rel").asText()) || !link.hasNonNull("href")) {
                continue;
            }
            URI href = StacJson.resolve(current.uri, link.get("href").asText());
            String method = link.path("method").asText("GET").toUpperCase(Locale.ROOT);
            if (!method.equals("POST")) {
                return new Page(href, null);
            }
            JsonNode linkBody = link.get("body");
            ObjectNode body;
            if (link.path("merge").asBoolean(false) && current.body != null) {
                body = current.body.deepCopy();
                if (linkBody != null && linkBody.isObject()) {
                    body.setAll((ObjectNode) linkBody);
                }
            } else {
                body = linkBody != null && linkBody.isObject() ? (ObjectNode) linkBody.deepCopy()
                        : current.body != null ? current.body.deepCopy() : StacJson.MAPPER.createObjectNode();
            }
            return new Page(href, body);
        }
        return null;
    }

    private static URI withQuery(URI base, ObjectNode params) {
        StringJoiner query = new StringJoiner("&");
        Iterator<Map.Entry<String, JsonNode>> fields = params.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            String value;
            if (e.getValue().isArray()) {
                StringJoiner joined = new StringJoiner(",");
                e.getValue().forEach(v -> joined.add(v.asText()));
                value = joined.toString();
            } else {
                value = e.getValue().asText();
            }
            query.add(e.getKey() + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
        String s = base.toString();
        return URI.create(s + (s.contains("?") ? "&" : "?") + query);
    }

    private static Instant readCursor(Path file) {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).trim();
            return text.isEmpty() ? null : Instant.parse(text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the STAC cursor " + file + ": " + e.getMessage(), e);
        } catch (DateTimeParseException e) {
            throw new IllegalStateException("the STAC cursor " + file + " does not hold a datetime; delete it to"
                    + " start from the beginning", e);
        }
    }

    private static void writeCursor(Path file, Instant value) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            Files.writeString(tmp, value.toString() + "\n", StandardCharsets.UTF_8);
            try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the STAC cursor " + file + ": " + e.getMessage(), e);
        }
    }

    /** One request: a URL, and for POST the JSON body. */
    private record Page(URI uri, ObjectNode body) {
        byte[] fetch(HrefFetcher fetcher) {
            if (body == null) {
                return fetcher.getDocument(uri);
            }
            try {
                return fetcher.postJson(uri, StacJson.MAPPER.writeValueAsBytes(body));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        String key() {
            return uri + " " + (body == null ? "" : body.toString());
        }
    }
}
