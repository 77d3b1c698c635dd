package io.satstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.imageio.ImageIO;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import io.satstream.app.internal.UsageErrorHandler;
import io.satstream.ingest.xyz.XyzTileFeed;
import io.satstream.ingest.xyz.XyzTileRange;
import io.satstream.kafka.SatstreamTopics;
import io.satstream.kafka.testing.TopicContents;
import io.satstream.kafka.testing.KafkaTestBroker;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.Headers;
import io.satstream.schemas.XyzAddress;

import picocli.CommandLine;

/**
 * {@code ingest xyz} against a test tile server: every tile of the box goes to the topic once, in its own
 * transaction; a rerun sends none; and a run that stopped between a tile's commit and its ledger line does
 * not send that tile again (the ledger is cut back to what such a crash leaves).
 */
class IngestXyzCommandITCase {
    private static final double[] BBOX = {-0.1, 51.45, 0.1, 51.55};
    private static final int ZOOM = 10;
    private static final byte[] GARBAGE = "an error page, not a tile".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path work;

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    /** Paths answered with bytes that are no image. */
    private final Set<String> garbage = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void serve() throws IOException {
        byte[] png = png();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            requests.incrementAndGet();
            byte[] body = garbage.contains(ex.getRequestURI().getPath()) ? GARBAGE : png;
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void everyTileOnceEvenAfterACrashBetweenCommitAndLedgerLine() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        SatstreamTopics.Names topics = new SatstreamTopics.Names("tiles-" + run, "segmentations-" + run,
                "model-events-" + run, "tiles-dlq-" + run);
        String bootstrap = KafkaTestBroker.bootstrapServers();
        SatstreamTopics.ensure(bootstrap, topics, 2);
        long total = XyzTileRange.covering(BBOX, ZOOM).count();
        assertThat(total).isBetween(2L, 30L);
        String[] args = {"--bootstrap", bootstrap, "--url", "http://127.0.0.1:" + server.getAddress().getPort()
            + "/{z}/{x}/{y}.png", "--bbox", BBOX[0] + "," + BBOX[1] + "," + BBOX[2] + "," + BBOX[3], "--zoom",
            String.valueOf(ZOOM), "--requests-per-second", "0", "--topic", topics.tiles(), "--work-dir",
            work.toString()};

        Result first = xyz(args);
        assertThat(first.code).as(first.out + first.err).isZero();
        assertThat(first.out).contains("ingested " + total + " | skipped 0 | rejected 0 | committed " + total)
                .contains("(exhausted)");
        assertThat(requests.get()).isEqualTo(total);

        Result second = xyz(args);
        assertThat(second.code).as(second.out + second.err).isZero();
        assertThat(second.out).contains("ingested 0 | skipped " + total + " | rejected 0 | committed 0");
        assertThat(requests.get()).as("nothing fetched again").isEqualTo(total);

        // what a crash after the last tile's Kafka commit, before its ledger line, leaves
        Path ledger = work.resolve("ingest/xyz-ledger.jsonl");
        List<String> lines = Files.readAllLines(ledger);
        assertThat(lines).hasSize((int) (2 * total));
        assertThat(lines.get(lines.size() - 1)).contains("committed");
        assertThat(lines.get(lines.size() - 2)).contains("pending");
        Files.write(ledger, lines.subList(0, lines.size() - 1));

        Result third = xyz(args);
        assertThat(third.code).as(third.out + third.err).isZero();
        assertThat(third.out).contains("recovered the last run: 1 tile(s) had been committed, 0 will be sent again")
                .contains("ingested 0 | skipped " + total + " | rejected 0 | committed 0");
        assertThat(requests.get()).isEqualTo(total);

        List<ConsumerRecord<byte[], byte[]>> committed = TopicContents.committed(bootstrap, topics.tiles());
        List<String> keys = committed.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
        assertThat(keys).doesNotHaveDuplicates().hasSize((int) total)
                .allSatisfy(k -> assertThat(k).startsWith("xyz/" + ZOOM + "/"));
        assertThat(committed).allSatisfy(r -> assertThat(AvroCodec.tile().decode(r.value()).getTileId())
                .isEqualTo(new String(r.key(), StandardCharsets.UTF_8)));
        assertThat(TopicContents.uncommitted(bootstrap, topics.tiles())).as("no aborted attempt either")
                .hasSize((int) total);
    }

    /** A tile that downloads but does not decode is refused for good: once to the dead-letter topic, never again. */
    @Test
    void aTileThatDoesNotDecodeGoesToTheDeadLetterTopicOnce() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        SatstreamTopics.Names topics = new SatstreamTopics.Names("tiles-" + run, "segmentations-" + run,
                "model-events-" + run, "tiles-dlq-" + run);
        String bootstrap = KafkaTestBroker.bootstrapServers();
        XyzAddress bad = XyzTileRange.covering(BBOX, ZOOM).addresses().get(1);
        String badPath = "/" + bad.getZ() + "/" + bad.getX() + "/" + bad.getY() + ".png";
        garbage.add(badPath);
        long total = XyzTileRange.covering(BBOX, ZOOM).count();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/{z}/{x}/{y}.png";
        String[] args = {"--bootstrap", bootstrap, "--url", url, "--bbox", BBOX[0] + "," + BBOX[1] + "," + BBOX[2]
            + "," + BBOX[3], "--zoom", String.valueOf(ZOOM), "--requests-per-second", "0", "--topic", topics.tiles(),
            "--dlq-topic", topics.tilesDlq(), "--work-dir", work.toString()};

        Result first = xyz(args);
        assertThat(first.code).as(first.out + first.err).isZero();
        assertThat(first.out).contains("ingested " + (total - 1) + " | skipped 0 | rejected 1");
        Result second = xyz(args);
        assertThat(second.code).as(second.out + second.err).isZero();
        assertThat(second.out).contains("ingested 0 | skipped " + total + " | rejected 0");
        assertThat(requests.get()).as("the refused tile is not fetched again").isEqualTo(total);

        assertThat(TopicContents.uncommitted(bootstrap, topics.tilesDlq())).singleElement().satisfies(r -> {
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(XyzTileFeed.tileId(bad));
            assertThat(r.value()).isEqualTo(GARBAGE);
            assertThat(header(r, Headers.STAGE)).isEqualTo("ingest");
            assertThat(header(r, Headers.ERROR)).contains("does not decode");
            assertThat(header(r, Headers.SOURCE)).isEqualTo(url.replace("{z}/{x}/{y}.png", "")
                    + badPath.substring(1));
        });
        assertThat(TopicContents.committed(bootstrap, topics.tiles())).hasSize((int) total - 1);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private record Result(int code, String out, String err) {}

    private static Result xyz(String... args) {
        CommandLine cmd = new CommandLine(new IngestXyzCommand());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        cmd.setParameterExceptionHandler(new UsageErrorHandler());
        int code = cmd.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private static byte[] png() throws IOException {
        BufferedImage image = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 256; x++) {
                image.setRGB(x, y, (x << 16) | (y << 8) | ((x + y) & 0xff));
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(image, "png", bytes);
        return bytes.toByteArray();
    }

}
