package io.satstream.ingest.stac;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A minimal STAC API for tests, on 127.0.0.1 and a free port: {@code /search} (GET query parameters or a
 * POST JSON body) over the items added to it, honouring {@code datetime} ranges ({@code a/b}, open ends
 * {@code ..}, or one instant), {@code limit}, {@code collections}, {@code bbox} (intersection with the
 * item's bbox) and paging through {@code next} links with a {@code token}; {@code /files/...} serves files
 * of a directory, and {@code /status/<code>/...} answers with that status.
 */
public final class StacApiTestServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Path files;
    private final List<ObjectNode> items = new CopyOnWriteArrayList<>();
    final AtomicInteger searchRequests = new AtomicInteger();
    final AtomicInteger fileRequests = new AtomicInteger();

    public StacApiTestServer(Path files) throws IOException {
        this.files = files;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/search", this::search);
        server.createContext("/files/", this::file);
        server.createContext("/status/", ex -> {
            String[] parts = ex.getRequestURI().getPath().split("/");
            send(ex, Integer.parseInt(parts[2]), "text/plain", "status on request".getBytes(StandardCharsets.UTF_8));
        });
        server.start();
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    public URI fileUri(String relative) {
        return base().resolve("files/" + relative);
    }

    public void add(ObjectNode item) {
        items.add(item);
    }

    private void search(HttpExchange ex) throws IOException {
        searchRequests.incrementAndGet();
        try {
            boolean post = ex.getRequestMethod().equals("POST");
            Map<String, String> params = new HashMap<>();
            if (post) {
                try (InputStream in = ex.getRequestBody()) {
                    JsonNode body = JSON.readTree(in.readAllBytes());
                    body.fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().isArray()
                            ? join((ArrayNode) e.getValue()) : e.getValue().asText()));
                }
            } else if (ex.getRequestURI().getRawQuery() != null) {
                for (String pair : ex.getRequestURI().getRawQuery().split("&")) {
                    int eq = pair.indexOf('=');
                    params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            int limit = Integer.parseInt(params.getOrDefault("limit", "10"));
            int offset = Integer.parseInt(params.getOrDefault("token", "0"));
            List<ObjectNode> matching = new ArrayList<>();
            for (ObjectNode item : items) {
                if (matches(item, params)) {
                    matching.add(item);
                }
            }
            matching.sort(Comparator.comparing((ObjectNode i) -> i.path("properties").path("datetime").asText())
                    .thenComparing(i -> i.path("id").asText()));
            ObjectNode answer = JSON.createObjectNode();
            answer.put("type", "FeatureCollection");
            ArrayNode features = answer.putArray("features");
            matching.stream().skip(offset).limit(limit).forEach(features::add);
            ArrayNode links = answer.putArray("links");
            if (offset + limit < matching.size()) {
                ObjectNode next = links.addObject();
                next.put("rel", "next");
                if (post) {
                    next.put("href", "/search");
                    next.put("method", "POST");
                    next.putObject("body").put("token", String.valueOf(offset + limit));
                    next.put("merge", true);
                } else {
                    StringBuilder q = new StringBuilder("/search?token=" + (offset + limit));
                    params.forEach((k, v) -> {
                        if (!k.equals("token")) {
                            q.append('&').append(k).append('=')
                                    .append(java.net.URLEncoder.encode(v, StandardCharsets.UTF_8));
                        }
                    });
                    next.put("href", q.toString());
                }
            }
            send(ex, 200, "application/geo+json", JSON.writeValueAsBytes(answer));
        } catch (RuntimeException e) {
            send(ex, 400, "text/plain", String.valueOf(e).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String join(ArrayNode array) {
        List<String> parts = new ArrayList<>();
        array.forEach(v -> parts.add(v.asText()));
        return String.join(",", parts);
    }

    private static boolean matches(ObjectNode item, Map<String, String> params) {
        String datetime = params.get("datetime");
        if (datetime != null) {
            Instant t = OffsetDateTime.parse(item.path("properties").path("datetime").asText()).toInstant();
            String[] range = datetime.split("/", -1);
            if (range.length == 1) {
                if (!t.equals(OffsetDateTime.parse(range[0]).toInstant())) {
                    return false;
                }
            } else {
                if (!open(range[0]) && t.isBefore(OffsetDateTime.parse(range[0]).toInstant())) {
                    return false;
                }
                if (!open(range[1]) && t.isAfter(OffsetDateTime.parse(range[1]).toInstant())) {
                    return false;
                }
            }
        }
        String collections = params.get("collections");
        if (collections != null && !List.of(collections.split(",")).contains(item.path("collection").asText())) {
            return false;
        }
        String bbox = params.get("bbox");
        if (bbox != null) {
            String[] b = bbox.split(",");
            JsonNode ib = item.path("bbox");
            boolean disjoint = ib.get(2).asDouble() < Double.parseDouble(b[0])
                    || ib.get(0).asDouble() > Double.parseDouble(b[2])
                    || ib.get(3).asDouble() < Double.parseDouble(b[1])
                    || ib.get(1).asDouble() > Double.parseDouble(b[3]);
            if (disjoint) {
                return false;
            }
        }
        return true;
    }

    private static boolean open(String end) {
        return end.isEmpty() || end.equals("..");
    }

    private void file(HttpExchange ex) throws IOException {
        fileRequests.incrementAndGet();
        String relative = URLDecoder.decode(ex.getRequestURI().getRawPath().substring("/files/".length()),
                StandardCharsets.UTF_8);
        Path path = files.resolve(relative).normalize();
        if (!path.startsWith(files) || !Files.isRegularFile(path)) {
            send(ex, 404, "text/plain", "no such file".getBytes(StandardCharsets.UTF_8));
            return;
        }
        send(ex, 200, "application/octet-stream", Files.readAllBytes(path));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
