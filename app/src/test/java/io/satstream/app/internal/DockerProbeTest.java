package io.satstream.app.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probe against real Unix sockets that answer like a Docker engine would, or not at all. */
class DockerProbeTest {

    @TempDir
    Path dir;

    @Test
    void noSocketMeansNotReachable() {
        DockerProbe.Status status = DockerProbe.probe("unix://" + dir.resolve("docker.sock"));
        assertThat(status.reachable()).isFalse();
        assertThat(status.detail()).contains("no socket at");
    }

    @Test
    void anEngineAnsweringPingIsReachable() throws Exception {
        Path socket = dir.resolve("ok.sock");
        try (ServerSocketChannel server = serve(socket, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK")) {
            DockerProbe.Status status = DockerProbe.probe("unix://" + socket);
            assertThat(status.reachable()).as(status.detail()).isTrue();
        }
    }

    @Test
    void anEngineAnsweringAnErrorIsNotReachable() throws Exception {
        Path socket = dir.resolve("err.sock");
        try (ServerSocketChannel server = serve(socket, "HTTP/1.1 500 Internal Server Error\r\n\r\n")) {
            DockerProbe.Status status = DockerProbe.probe("unix://" + socket);
            assertThat(status.reachable()).isFalse();
            assertThat(status.detail()).contains("500");
        }
    }

    @Test
    void aSocketNobodyListensOnIsNotReachable() throws Exception {
        Path socket = dir.resolve("dead.sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        server.close(); // the file stays, nobody accepts
        DockerProbe.Status status = DockerProbe.probe("unix://" + socket);
        assertThat(status.reachable()).isFalse();
    }

    @Test
    void otherSchemesAreReportedNotGuessed() {
        assertThat(DockerProbe.probe("ssh://somewhere").reachable()).isFalse();
        assertThat(DockerProbe.probe("ssh://somewhere").detail()).contains("not a unix:// or tcp://");
    }

    /** Accepts one connection, reads the request line, answers {@code reply} and closes. */
    private static ServerSocketChannel serve(Path socket, String reply) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread t = new Thread(() -> {
            try (SocketChannel client = server.accept()) {
                ByteBuffer request = ByteBuffer.allocate(1024);
                client.read(request);
                String text = new String(request.array(), 0, request.position(), StandardCharsets.US_ASCII);
                if (text.startsWith("GET /_ping ")) {
                    client.write(ByteBuffer.wrap(reply.getBytes(StandardCharsets.US_ASCII)));
                }
            } catch (IOException e) {
                // the test's assertion reports what the probe saw
            }
        }, "fake-docker-engine");
        t.setDaemon(true);
        t.start();
        return server;
    }
}
