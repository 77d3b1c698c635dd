package io.satstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench swap --quick} end to end, in-process: an embedded broker, a MiniCluster running the job with
 * parallelism 2, two promotions under a steady feed. Checks what the run reports — every field there, finite and not
 * negative, nothing lost or duplicated, the swaps asked for, the table — never how fast anything was.
 */
class SwapBenchCommandITCase {
    private static final List<String> NUMBERS = List.of("steady_p99_ms", "swap_p99_ms", "promote_to_switch_ms",
            "lost", "duplicated", "steady_p50_ms", "swap_p50_ms", "p99_ratio", "promote_to_switch_ms_median", "swaps",
            "tiles", "rate", "parallelism");

    @TempDir
    Path tmp;

    @Test
    void quickRunSwapsTwiceUnderLoadLosesNothingAndReportsTableAndJson() throws Exception {
        Path work = tmp.resolve("work");
        // A small model in the work dir's store, so the benchmark skips its first-start training.
        TestFixtures.createServingModel(work.resolve("models"));
        Path json = tmp.resolve("out/swap.json");

        CliRun run = CliRun.of("bench", "swap", "--quick", "--work-dir", work.toString(), "--out", json.toString());

        assertThat(run.exitCode()).as("bench output:%n%s%n%s", run.out(), run.err()).isZero();
        assertThat(json).exists();
        JsonNode r = new ObjectMapper().readTree(Files.readAllBytes(json));
        for (String field : NUMBERS) {
            assertThat(r.has(field)).as("field %s in %s", field, r).isTrue();
            assertThat(r.get(field).isNumber()).as("%s is a number: %s", field, r.get(field)).isTrue();
            double v = r.get(field).asDouble();
            assertThat(Double.isFinite(v) && v >= 0).as("%s = %s is finite and >= 0", field, v).isTrue();
        }
        assertThat(r.get("lost").asInt()).isZero();
        assertThat(r.get("duplicated").asInt()).isZero();
        assertThat(r.get("swaps").asInt()).isEqualTo(2);
        assertThat(r.get("parallelism").asInt()).isEqualTo(2);
        assertThat(r.get("tiles").asInt()).isPositive();
        assertThat(r.get("version_mismatches").asInt()).as("each generation served by the version promoted").isZero();
        assertThat(r.get("runtime").asText()).isEqualTo("onnxruntime");
        assertThat(r.get("cpu").asText()).isNotBlank();
        assertThat(r.get("versions")).extracting(JsonNode::asText).containsExactly("unet@1", "unet@2");
        assertThat(r.get("second_version").asText()).isIn("retrained", "copy");
        JsonNode swaps = r.get("swap_details");
        assertThat(swaps).hasSize(2);
        for (JsonNode s : swaps) {
            assertThat(s.get("promote_to_switch_ms").asLong()).isNotNegative();
            assertThat(s.get("subtask_switch_ms").size()).as("one switch time per subtask").isEqualTo(2);
        }
        assertThat(swaps.get(0).get("to").asText()).isEqualTo("unet@2");
        assertThat(swaps.get(1).get("to").asText()).isEqualTo("unet@1");

        assertThat(run.out()).contains("bench swap (unet@1 <-> unet@2, onnxruntime, parallelism 2");
        assertThat(run.outLines()).anyMatch(l -> l.matches("\\s+latency p99 ms steady\\s+\\d+\\.\\d"));
        assertThat(run.outLines()).anyMatch(l -> l.matches("\\s+latency p99 ms in swaps\\s+\\d+\\.\\d"));
        assertThat(run.outLines()).anyMatch(l -> l.matches("\\s+promote -> switch ms, max\\s+\\d+"));
        assertThat(run.outLines()).anyMatch(l -> l.matches("\\s+lost\\s+0"));
        assertThat(run.outLines()).anyMatch(l -> l.matches("\\s+duplicated\\s+0"));
        assertThat(run.outLines()).anyMatch(l -> l.matches("\\s+2\\s+unet@2\\s+unet@1\\s+\\d+\\s.*"));
        assertThat(run.outLines()).contains("results: " + json.toAbsolutePath());
    }
}
