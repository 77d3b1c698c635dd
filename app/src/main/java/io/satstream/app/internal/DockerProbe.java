package io.satstream.app.internal;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Whether a Docker engine answers, found the way the Docker CLI finds it ({@code DOCKER_HOST}, else
 * {@code /var/run/docker.sock}) and proved with the engine's {@code GET /_ping}. A CLI binary or a
 * socket file alone proves nothing: this machine has both and no daemon.
 */
public final class DockerProbe {

    public static final String DEFAULT_SOCKET = "/var/run/docker.sock";
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** The verdict, with what was tried. */
    public record Status(boolean reachable, String detail) {}

    private DockerProbe() {}

    public static Status probe() {
        return probe(System.getenv("DOCKER_HOST"));
    }

    static Status probe(String dockerHost) {
        String host = dockerHost == null || dockerHost.isBlank() ? "unix://" + DEFAULT_SOCKET : dockerHost.trim();
        if (host.startsWith("unix://")) {
            return pingUnix(Path.of(host.substring("unix://".length())));
        }
        if (host.startsWith("tcp://")) {
            return pingTcp(host);
        }
        return new Status(false, "DOCKER_HOST=" + host + " is not a unix:// or tcp:// address");
    }

    private static Status pingUnix(Path socket) {
        if (!Files.exists(socket)) {
            return new Status(false, "no socket at " + socket);
        }
        // SocketChannel reads have no timeout of their own; bound the whole exchange instead.
        CompletableFuture<String> reply = CompletableFuture.supplyAsync(() -> {
            try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                channel.connect(UnixDomainSocketAddress.of(socket));
                channel.write(ByteBuffer.wrap("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII)));
                ByteBuffer buffer = ByteBuffer.allocate(4096);
                while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                    // HTTP/1.0: the engine closes the connection after the reply
                }
                buffer.flip();
                return StandardCharsets.US_ASCII.decode(buffer).toString();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            String response = reply.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            boolean ok = response.startsWith("HTTP/1.") && response.contains(" 200 ");
            return new Status(ok, "unix://" + socket + (ok ? "" : " answered: " + firstLine(response)));
        } catch (TimeoutException e) {
            reply.cancel(true);
            return new Status(false, "unix://" + socket + " did not answer within " + TIMEOUT.toSeconds() + " s");
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause.getCause() != null) {
                cause = cause.getCause();
            }
            return new Status(false, "unix://" + socket + ": " + ErrorMessages.describe(cause));
        }
    }

    private static Status pingTcp(String host) {
        String url = "http://" + host.substring("tcp://".length()).replaceAll("/+$", "") + "/_ping";
        if (System.getenv("DOCKER_TLS_VERIFY") != null) {
            return new Status(false, host + " uses TLS (DOCKER_TLS_VERIFY), which this check does not speak");
        }
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            boolean ok = response.statusCode() == 200;
            return new Status(ok, host + (ok ? "" : " answered HTTP " + response.statusCode()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Status(false, host + ": interrupted");
        } catch (IOException | IllegalArgumentException e) {
            return new Status(false, host + ": " + ErrorMessages.describe(e));
        }
    }

    private static String firstLine(String text) {
        int eol = text.indexOf('\n');
        return (eol < 0 ? text : text.substring(0, eol)).strip();
    }
}
