package io.satstream.ingest;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on 127.0.0.1 that lies about sizes: a path given to {@link #claim} declares a Content-Length
 * and then tries to send that much, one given to {@link #stream} sends bytes chunked, without a Content-Length; other
 * paths are served from {@link #put} (404 when absent). For each lying path it counts the bytes it managed to write
 * before the client hung up, and whether the handler has ended, so a test can bound what the client took in.
 */
public final class LyingServer implements AutoCloseable {
    private static final byte[] CHUNK = new byte[64 * 1024];

    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> written = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> ended = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();
    private final Map<String, long[]> lies = new ConcurrentHashMap<>();

    public LyingServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "lying-server");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code http://127.0.0.1:<port>}, for URL templates. */
    public String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public URI uri(String path) {
        return URI.create(base() + path);
    }

    public void put(String path, byte[] body) {
        files.put(path, body);
    }

    /** {@code path} answers with Content-Length {@code bytes} and then tries to send them (zeros). */
    public void claim(String path, long bytes) {
        lies.put(path, new long[] {bytes, 1});
    }

    /** {@code path} answers with {@code bytes} zeros, chunked, without a Content-Length. */
    public void stream(String path, long bytes) {
        lies.put(path, new long[] {bytes, 0});
    }

    /** Requests seen for {@code path}. */
    public long requests(String path) {
        AtomicLong n = requests.get(path);
        return n == null ? 0 : n.get();
    }

    /**
     * Bytes of body written for {@code path} once its handler has ended (the client closed the connection or all was
     * sent); -1 if it has not ended within {@code seconds}.
     */
    public long writtenWhenEnded(String path, int seconds) throws InterruptedException {
        CountDownLatch done = ended.get(path);
        if (done == null || !done.await(seconds, TimeUnit.SECONDS)) {
            return -1;
        }
        return written.get(path).get();
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        requests.computeIfAbsent(path, p -> new AtomicLong()).incrementAndGet();
        long[] lie = lies.get(path);
        if (lie == null) {
            byte[] body = files.get(path);
            int code = body == null ? 404 : 200;
            body = body == null ? new byte[0] : body;
            ex.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
            return;
        }
        long total = lie[0];
        boolean claims = lie[1] == 1;
        AtomicLong count = written.computeIfAbsent(path, p -> new AtomicLong());
        CountDownLatch done = ended.computeIfAbsent(path, p -> new CountDownLatch(1));
        try {
            ex.sendResponseHeaders(200, claims ? total : 0); // 0: chunked, no Content-Length
            try (OutputStream out = ex.getResponseBody()) {
                while (count.get() < total) {
                    int n = (int) Math.min(CHUNK.length, total - count.get());
                    out.write(CHUNK, 0, n);
                    count.addAndGet(n);
                }
            }
        } catch (IOException e) {
            // the client hung up: what it was sent so far is in count
        } finally {
            done.countDown();
            ex.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
