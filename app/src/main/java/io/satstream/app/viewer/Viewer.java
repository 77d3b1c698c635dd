package io.satstream.app.viewer;

import io.satstream.app.runtime.ReaderProperties;
import io.satstream.kafka.SatstreamTopics;
import io.satstream.raster.ImageFormat;
import io.satstream.raster.MaskPng;
import io.satstream.raster.RasterDecoder;
import io.satstream.raster.RasterImage;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.Headers;
import io.satstream.schemas.Segmentation;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small web page showing the newest segmentations as they are committed: each tile next to its
 * mask, with model version, confidence and class shares. It reads {@code segmentations}
 * ({@code read_committed}) and {@code tiles} (for the input previews) from their ends.
 */
public final class Viewer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Viewer.class);
    /** How many segmentations the page shows, and how many input tiles are kept for their previews. */
    static final int KEEP_SEGMENTATIONS = 24;
    static final int KEEP_TILES = 256;

    private final HttpServer server;
    private final List<KafkaConsumer<byte[], byte[]>> consumers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Map<String, Entry> latest = lru(KEEP_SEGMENTATIONS);
    private final Map<String, byte[]> tiles = lru(KEEP_TILES);
    private final ObjectMapper json = new ObjectMapper();
    private volatile boolean running = true;

    record Entry(String tileId, String modelVersion, Segmentation segmentation, long committedAt) {}

    private Viewer(HttpServer server) {
        this.server = server;
    }

    /** Starts the page on {@code port} (0 = a free one) and the consumers that feed it. */
    public static Viewer start(String bootstrap, SatstreamTopics.Names topics, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        Viewer viewer = new Viewer(server);
        server.createContext("/", viewer::handle);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "viewer-http");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        viewer.follow(bootstrap, topics.segmentations(), true);
        viewer.follow(bootstrap, topics.tiles(), false);
        return viewer;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void follow(String bootstrap, String topic, boolean segmentations) {
        Properties p = ReaderProperties.readCommitted(bootstrap, "satstream-viewer", "latest");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        consumers.add(consumer);
        Thread thread = new Thread(() -> poll(consumer, segmentations), "viewer-" + topic);
        thread.setDaemon(true);
        thread.start();
        threads.add(thread);
    }

    private void poll(KafkaConsumer<byte[], byte[]> consumer, boolean segmentations) {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.key() == null || r.value() == null) {
                        continue;
                    }
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    try {
                        if (segmentations) {
                            var h = r.headers().lastHeader(Headers.MODEL_VERSION);
                            String version = h == null ? "?" : new String(h.value(), StandardCharsets.UTF_8);
                            Entry e = new Entry(key, version, AvroCodec.segmentation().decode(r.value()),
                                    System.currentTimeMillis());
                            synchronized (latest) {
                                latest.put(key, e);
                            }
                        } else {
                            synchronized (tiles) {
                                tiles.put(key, r.value());
                            }
                        }
                    } catch (RuntimeException e) {
                        LOG.debug("viewer skips {}: {}", key, e.toString());
                    }
                }
            }
        } catch (WakeupException e) {
            // close()
        } finally {
            consumer.close(Duration.ofSeconds(1));
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/") || path.equals("/index.html")) {
                try (InputStream in = Viewer.class.getResourceAsStream("/viewer/index.html")) {
                    send(exchange, 200, "text/html; charset=utf-8", in.readAllBytes());
                }
            } else if (path.equals("/api/latest")) {
                send(exchange, 200, "application/json", json.writeValueAsBytes(summaries()));
            } else if (path.startsWith("/mask/")) {
                Entry e = entry(idFrom(path, "/mask/"));
                if (e == null) {
                    send(exchange, 404, "text/plain", "no such segmentation".getBytes(StandardCharsets.UTF_8));
                    return;
                }
                Segmentation s = e.segmentation();
                send(exchange, 200, "image/png",
                        MaskPng.encode(bytes(s.getMask()), s.getWidth(), s.getHeight(), s.getClassNames()));
            } else if (path.startsWith("/tile/")) {
                byte[] value;
                synchronized (tiles) {
                    value = tiles.get(idFrom(path, "/tile/"));
                }
                if (value == null) {
                    send(exchange, 404, "text/plain", "tile no longer kept".getBytes(StandardCharsets.UTF_8));
                    return;
                }
                send(exchange, 200, "image/png", PreviewImage.png(decode(value)));
            } else {
                send(exchange, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
            }
        } catch (RuntimeException e) {
            LOG.warn("viewer request {} failed: {}", exchange.getRequestURI(), e.toString());
        }
    }

    private static RasterImage decode(byte[] value) {
        if (AvroCodec.isSingleObjectEncoded(value)) {
            return RasterImage.fromTile(AvroCodec.tile().decode(value));
        }
        if (ImageFormat.detect(value) == ImageFormat.UNKNOWN) {
            throw new IllegalArgumentException("not an image");
        }
        return new RasterDecoder().decode(value);
    }

    private List<Map<String, Object>> summaries() {
        List<Entry> entries;
        synchronized (latest) {
            entries = new ArrayList<>(latest.values());
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = entries.size() - 1; i >= 0; i--) {
            Entry e = entries.get(i);
            Segmentation s = e.segmentation();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("tileId", e.tileId());
            m.put("modelVersion", e.modelVersion());
            m.put("width", s.getWidth());
            m.put("height", s.getHeight());
            m.put("meanConfidence", s.getMeanConfidence());
            m.put("classNames", s.getClassNames());
            m.put("classPixelCounts", s.getClassPixelCounts());
            m.put("latencyMs", e.committedAt() - s.getTimings().getIngestedAt().toEpochMilli());
            m.put("hasTile", hasTile(e.tileId()));
            out.add(m);
        }
        return out;
    }

    private boolean hasTile(String id) {
        synchronized (tiles) {
            return tiles.containsKey(id);
        }
    }

    private Entry entry(String id) {
        synchronized (latest) {
            return latest.get(id);
        }
    }

    private static String idFrom(String path, String prefix) {
        String rest = path.substring(prefix.length());
        if (rest.endsWith(".png")) {
            rest = rest.substring(0, rest.length() - 4);
        }
        return URLDecoder.decode(rest, StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static <V> Map<String, V> lru(int max) {
        return new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > max;
            }
        };
    }

    @Override
    public void close() {
        running = false;
        consumers.forEach(KafkaConsumer::wakeup);
        for (Thread t : threads) {
            try {
                t.join(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        server.stop(0);
    }
}
