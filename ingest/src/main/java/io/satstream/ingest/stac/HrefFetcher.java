package io.satstream.ingest.stac;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.satstream.ingest.IngestLimits;
import io.satstream.ingest.stac.internal.LimitedBodySubscriber;

/**
 * Reads {@code file:} and {@code http(s):} hrefs into memory with a byte limit and a deadline that covers
 * the whole exchange (connect, headers and body), so that a dead host, a slow server or a huge file can
 * neither hang a feed nor exhaust the heap: a Content-Length over the limit is refused before any of the body
 * is read, a body without one as soon as it passes the limit, a file from its size (and only regular files are
 * read: {@code /dev/zero} reports size 0 and never ends). STAC JSON documents get the lower of this fetcher's
 * limit and {@link IngestLimits#MAX_STAC_JSON_BYTES}. Every failure is a {@link FetchException} with one line.
 * Thread-safe: one {@link HttpClient} is shared by all calls.
 */
public final class HrefFetcher {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final long DEFAULT_MAX_BYTES = IngestLimits.MAX_ASSET_BYTES;

    private final Duration timeout;
    private final long maxBytes;
    private final HttpClient client;

    public HrefFetcher() {
        this(DEFAULT_TIMEOUT, DEFAULT_MAX_BYTES);
    }

    public HrefFetcher(Duration timeout, long maxBytes) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        if (maxBytes < 1 || maxBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxBytes must be 1.." + (Integer.MAX_VALUE - 8) + ", got " + maxBytes);
        }
        this.timeout = timeout;
        this.maxBytes = maxBytes;
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    public Duration timeout() {
        return timeout;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** The limit of {@link #getDocument} and {@link #postJson}. */
    public long maxDocumentBytes() {
        return Math.min(maxBytes, IngestLimits.MAX_STAC_JSON_BYTES);
    }

    /** GETs (or reads) the whole resource, at most {@link #maxBytes()}. */
    public byte[] get(URI uri) {
        return get(uri, maxBytes);
    }

    /** GETs (or reads) a STAC JSON document, at most {@link #maxDocumentBytes()}. */
    public byte[] getDocument(URI uri) {
        return get(uri, maxDocumentBytes());
    }

    private byte[] get(URI uri, long limit) {
        Objects.requireNonNull(uri, "uri");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "file" -> readFile(uri, limit);
            case "http", "https" -> exchange(HttpRequest.newBuilder(uri).GET(), uri, limit);
            default -> throw new FetchException("unsupported href scheme '" + scheme + "' in " + uri
                    + " (only file:, http: and https: are read)");
        };
    }

    /** POSTs a JSON body and returns the response body (for STAC API {@code /search}). */
    public byte[] postJson(URI uri, byte[] json) {
        Objects.requireNonNull(uri, "uri");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new FetchException("cannot POST to " + uri + " (only http: and https:)");
        }
        return exchange(HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json)), uri, maxDocumentBytes());
    }

    private byte[] readFile(URI uri, long limit) {
        Path path;
        try {
            path = Path.of(uri);
        } catch (IllegalArgumentException e) {
            throw new FetchException("bad file href " + uri + ": " + e.getMessage());
        }
        try {
            BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
            if (!attrs.isRegularFile()) {
                throw new FetchException(path + " is not a regular file");
            }
            if (attrs.size() > limit) {
                throw new FetchException(path + " is " + attrs.size() + " bytes, more than the limit of " + limit
                        + " bytes");
            }
            try (InputStream in = Files.newInputStream(path)) {
                // bounded again while reading: the file may have grown since its size was read
                byte[] bytes = in.readNBytes((int) limit);
                if (in.read() != -1) {
                    throw new FetchException(path + " is more than the limit of " + limit + " bytes");
                }
                return bytes;
            }
        } catch (NoSuchFileException e) {
            throw new FetchException("not found: " + path, -1, e);
        } catch (AccessDeniedException e) {
            throw new FetchException("permission denied: " + path, -1, e);
        } catch (IOException e) {
            throw new FetchException("cannot read " + path + ": " + e.getMessage(), -1, e);
        }
    }

    private byte[] exchange(HttpRequest.Builder builder, URI uri, long limit) {
        HttpRequest request = builder.timeout(timeout).build();
        CompletableFuture<HttpResponse<byte[]>> future = client.sendAsync(request,
                info -> new LimitedBodySubscriber(limit, info.headers().firstValueAsLong("content-length").orElse(-1)));
        HttpResponse<byte[]> response;
        try {
            // the request timeout stops at the headers; this deadline also bounds a body that trickles in
            response = future.get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new FetchException("timed out after " + timeout.toMillis() + " ms: " + uri, -1, e);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new FetchException("interrupted while fetching " + uri, -1, e);
        } catch (ExecutionException e) {
            throw new FetchException(describe(e.getCause(), uri), -1, e.getCause());
        }
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            throw new FetchException("HTTP " + status + " from " + uri, status, null);
        }
        return response.body();
    }

    private String describe(Throwable t, URI uri) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root && !(root instanceof FetchException)) {
            if (root instanceof HttpConnectTimeoutException || root instanceof HttpTimeoutException) {
                break;
            }
            root = root.getCause();
        }
        if (root instanceof FetchException f) {
            return f.getMessage() + ": " + uri;
        }
        if (root instanceof HttpConnectTimeoutException) {
            return "connect timed out after " + timeout.toMillis() + " ms: " + uri;
        }
        if (root instanceof HttpTimeoutException) {
            return "timed out after " + timeout.toMillis() + " ms: " + uri;
        }
        if (root instanceof UnknownHostException || root instanceof UnresolvedAddressException) {
            return "unknown host " + uri.getHost() + ": " + uri;
        }
        if (root instanceof ConnectException) {
            return "cannot connect to " + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + ": " + uri;
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")") + ": " + uri;
    }
}
