package io.satstream.ingest.stac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.satstream.ingest.IngestLimits;
import io.satstream.ingest.LyingServer;

/**
 * Responses and files that lie about their size, from a real HTTP server and real files: each is refused with the
 * limit named, and the server could send no more than the limit (plus what the loopback socket buffers hold) before
 * the client hung up: the body was never buffered past it.
 */
class HrefFetcherLyingSizesTest {
    private static final long LIMIT = 8L << 20;
    /** Loopback socket buffers on both sides: bytes the server can write that the client never read. */
    private static final long SOCKET_SLACK = 16L << 20;

    @TempDir
    Path tmp;

    private LyingServer server;
    private final HrefFetcher fetcher = new HrefFetcher(Duration.ofSeconds(10), LIMIT);

    @BeforeEach
    void start() throws Exception {
        server = new LyingServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aContentLengthOfTenGigabytesIsRefusedBeforeAnyOfTheBodyIsRead() throws Exception {
        String path = "/scene.tif";
        server.claim(path, 10_000_000_000L);

        assertThatThrownBy(() -> fetcher.get(server.uri(path)))
                .isInstanceOf(FetchException.class)
                .hasMessage("response is 10000000000 bytes (Content-Length), more than the limit of " + LIMIT
                        + " bytes; none of it was read: " + server.uri(path));

        long sent = server.writtenWhenEnded(path, 10);
        assertThat(sent).as("the client hung up").isNotNegative().isLessThan(SOCKET_SLACK);
    }

    @Test
    void aBodyWithoutContentLengthIsCutOffAtTheLimit() throws Exception {
        String path = "/scene.tif";
        server.stream(path, 1L << 30);

        assertThatThrownBy(() -> fetcher.get(server.uri(path)))
                .isInstanceOf(FetchException.class)
                .hasMessage("response is more than the limit of " + LIMIT + " bytes; stopped reading there: "
                        + server.uri(path));

        long sent = server.writtenWhenEnded(path, 10);
        assertThat(sent).as("the client hung up soon after the limit").isNotNegative()
                .isLessThan(LIMIT + SOCKET_SLACK);
    }

    @Test
    void aBodyJustWithinTheLimitIsRead() throws Exception {
        String path = "/exact.tif";
        server.stream(path, LIMIT);

        assertThat(fetcher.get(server.uri(path))).hasSize((int) LIMIT);
    }

    @Test
    void stacDocumentsHaveTheirOwnLowerLimit() throws Exception {
        HrefFetcher assets = new HrefFetcher(Duration.ofSeconds(10), IngestLimits.MAX_ASSET_BYTES);
        String path = "/catalog.json";
        server.stream(path, IngestLimits.MAX_STAC_JSON_BYTES + 1);
        server.claim("/search", IngestLimits.MAX_STAC_JSON_BYTES + 1);

        assertThat(assets.maxDocumentBytes()).isEqualTo(IngestLimits.MAX_STAC_JSON_BYTES).isEqualTo(16L << 20);
        assertThatThrownBy(() -> assets.getDocument(server.uri(path)))
                .isInstanceOf(FetchException.class)
                .hasMessageStartingWith("response is more than the limit of 16777216 bytes");
        assertThatThrownBy(() -> assets.postJson(server.uri("/search"), "{}".getBytes()))
                .isInstanceOf(FetchException.class)
                .hasMessageStartingWith("response is 16777217 bytes (Content-Length), more than the limit of 16777216");
    }

    @Test
    void aFileLargerThanTheLimitIsRefusedFromItsSizeAndADeviceIsNotRead() throws Exception {
        Path huge = tmp.resolve("huge.tif");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(10_000_000_000L); // sparse: no disk blocks
        }
        assertThatThrownBy(() -> fetcher.get(huge.toUri()))
                .isInstanceOf(FetchException.class)
                .hasMessage(huge + " is 10000000000 bytes, more than the limit of " + LIMIT + " bytes");

        // /dev/zero says it holds 0 bytes and never ends; a catalogue may point an asset at it
        Path zero = Files.createSymbolicLink(tmp.resolve("zero.tif"), Path.of("/dev/zero"));
        assertThatThrownBy(() -> fetcher.get(zero.toUri()))
                .isInstanceOf(FetchException.class)
                .hasMessage(zero + " is not a regular file");
        assertThatThrownBy(() -> fetcher.get(URI.create("file:///dev/zero")))
                .isInstanceOf(FetchException.class)
                .hasMessage("/dev/zero is not a regular file");
    }
}
