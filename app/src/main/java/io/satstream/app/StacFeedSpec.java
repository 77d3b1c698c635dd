package io.satstream.app;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import io.satstream.ingest.stac.AssetChoice;
import io.satstream.ingest.stac.HrefFetcher;
import io.satstream.ingest.stac.StacSearch;
import io.satstream.ingest.tiling.TilerSettings;

/**
 * What a STAC feed reads ({@code ingest stac}, {@code demo --source stac:}): a static catalogue walked once,
 * or a STAC API searched every {@code poll}.
 *
 * @param root the catalogue (catalog, collection or item document), or the API's landing page or
 *     {@code /search}
 * @param search what to search for; null for a static catalogue
 * @param once for a search: one poll (all pages), then exhausted
 */
record StacFeedSpec(URI root, StacSearch search, Duration poll, boolean once, AssetChoice assets, HrefFetcher fetcher,
        TilerSettings tiling) {
    StacFeedSpec {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(poll, "poll");
        Objects.requireNonNull(assets, "assets");
        Objects.requireNonNull(fetcher, "fetcher");
        Objects.requireNonNull(tiling, "tiling");
    }

    boolean isSearch() {
        return search != null;
    }

    /**
     * The search's cursor file, one per API, collections and bbox, so that different searches over the same
     * work dir keep their own place.
     */
    String cursorFileName() {
        double[] bbox = search.bbox();
        String box = bbox == null ? "null" : Arrays.stream(bbox).boxed().toList().toString();
        return "stac-cursor-" + digest(root + " " + search.collections() + " " + box) + ".txt";
    }

    /**
     * A URL as given (http, https or file), or a local path made into a file: URL.
     *
     * @param what how the value is named in messages, e.g. {@code --catalog}
     * @throws IllegalArgumentException (one line) for another scheme, a missing file, or neither a URL nor a path
     */
    static URI location(String value, String what) {
        try {
            URI uri = new URI(value);
            if (uri.getScheme() != null && uri.getScheme().length() > 1) {
                String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
                if (!List.of("http", "https", "file").contains(scheme)) {
                    throw new IllegalArgumentException(what + " must be an http(s): or file: URL or a path, got "
                            + value);
                }
                return uri;
            }
        } catch (URISyntaxException e) {
            // not a URL: a path (e.g. with spaces)
        }
        try {
            Path path = Path.of(value).toAbsolutePath().normalize();
            if (!Files.exists(path)) {
                throw new IllegalArgumentException(what + ": no such file " + path);
            }
            return path.toUri();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(what + ": not a URL or path: " + value);
        }
    }

    private static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
