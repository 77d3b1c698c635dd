package io.satstream.ingest.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.satstream.ingest.ledger.IngestLedger.Status;

class IngestLedgerTest {
    @TempDir
    Path tmp;

    @Test
    void recordsSurviveReopeningAndFingerprintsTellVersionsApart() throws Exception {
        Path file = tmp.resolve("ingest/files-ledger.jsonl");
        try (IngestLedger ledger = IngestLedger.open(file)) {
            assertThat(ledger.isIngested("a", "sha256:1")).isFalse();
            ledger.markPending("a", "files:/in/a.tif", "sha256:1", 12, Map.of(0, 5L, 1, 7L));
            assertThat(ledger.isIngested("a", "sha256:1")).isFalse();
            ledger.markIngested("a", "files:/in/a.tif", "sha256:1", 12);
            ledger.markRejected("bad", "files:/in/bad.png", "sha256:2", "truncated\nPNG");
            ledger.markPending("b", "files:/in/b.tif", "sha256:3", 4, Map.of(0, 9L));
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(4);
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(lines.get(0)).get("offsets").get("1").asLong()).isEqualTo(7L);
        assertThat(json.readTree(lines.get(1)).get("status").asText()).isEqualTo("committed");
        assertThat(json.readTree(lines.get(2)).get("reason").asText()).isEqualTo("truncated PNG");
        try (IngestLedger ledger = IngestLedger.open(file)) {
            assertThat(ledger.isIngested("a", "sha256:1")).isTrue();
            assertThat(ledger.isIngested("a", "sha256:other")).isFalse();
            assertThat(ledger.isRejected("bad", "sha256:2")).isTrue();
            assertThat(ledger.isIngested("bad", "sha256:2")).isFalse();
            assertThat(ledger.unsettled()).singleElement().satisfies(e -> {
                assertThat(e.sceneId()).isEqualTo("b");
                assertThat(e.tiles()).isEqualTo(4);
                assertThat(e.startOffsets()).containsEntry(0, 9L);
            });
            ledger.markAborted("b", "files:/in/b.tif", "sha256:3", "interrupted");
            assertThat(ledger.unsettled()).isEmpty();
            assertThat(ledger.latest("b").orElseThrow().status()).isEqualTo(Status.ABORTED);
        }
    }

    @Test
    void aPendingRejectionKeepsItsDeadLetterTopicAndReasonAcrossReopening() throws Exception {
        Path file = tmp.resolve("ledger.jsonl");
        try (IngestLedger ledger = IngestLedger.open(file)) {
            ledger.markPendingRejection("bad", "files:/in/bad.tif", "sha256:9", "truncated\nTIFF", "tiles-dlq",
                    Map.of(0, 3L, 1, 4L));
            assertThat(ledger.isRejected("bad", "sha256:9")).as("not before its record is committed").isFalse();
        }
        assertThat(new ObjectMapper().readTree(Files.readAllLines(file).get(0)).get("dlq").asText())
                .isEqualTo("tiles-dlq");
        try (IngestLedger ledger = IngestLedger.open(file)) {
            assertThat(ledger.unsettled()).singleElement().satisfies(e -> {
                assertThat(e.pendingRejection()).isTrue();
                assertThat(e.dlqTopic()).isEqualTo("tiles-dlq");
                assertThat(e.reason()).isEqualTo("truncated TIFF");
                assertThat(e.startOffsets()).containsEntry(0, 3L).containsEntry(1, 4L);
            });
            ledger.markRejected("bad", "files:/in/bad.tif", "sha256:9", "truncated TIFF");
            assertThat(ledger.unsettled()).isEmpty();
            assertThat(ledger.isRejected("bad", "sha256:9")).isTrue();
            ledger.markPending("good", "files:/in/good.tif", "sha256:1", 2, Map.of(0, 1L));
            assertThat(ledger.unsettled()).singleElement().satisfies(e -> {
                assertThat(e.pendingRejection()).isFalse();
                assertThat(e.dlqTopic()).isNull();
            });
        }
    }

    @Test
    void aPartialLastLineFromACrashIsDroppedAndWritingGoesOn() throws Exception {
        Path file = tmp.resolve("ledger.jsonl");
        try (IngestLedger ledger = IngestLedger.open(file)) {
            ledger.markIngested("a", "s", "f1", 3);
        }
        Files.write(file, "{\"scene\":\"b\",\"sour".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        try (IngestLedger ledger = IngestLedger.open(file)) {
            assertThat(ledger.isIngested("a", "f1")).isTrue();
            assertThat(ledger.latest("b")).isEmpty();
            ledger.markIngested("b", "s", "f2", 1);
        }
        assertThat(Files.readAllLines(file)).hasSize(2);
        try (IngestLedger ledger = IngestLedger.open(file)) {
            assertThat(ledger.isIngested("b", "f2")).isTrue();
        }
    }

    @Test
    void aDamagedLineInTheMiddleIsAClearError() throws Exception {
        Path file = tmp.resolve("ledger.jsonl");
        Files.writeString(file, "{\"scene\":\"a\"}\nnot json\n");
        assertThatThrownBy(() -> IngestLedger.open(file)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("line 1").hasMessageContaining("missing 'status'");
    }

    @Test
    void onlyOneRunMayHoldTheLedger() {
        Path file = tmp.resolve("ledger.jsonl");
        try (IngestLedger first = IngestLedger.open(file)) {
            assertThatThrownBy(() -> IngestLedger.open(file)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("in use");
        }
        IngestLedger.open(file).close(); // released on close
    }
}
