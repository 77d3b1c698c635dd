package io.satstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.app.runtime.EmbeddedFlink;
import io.satstream.kafka.EmbeddedKafka;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/**
 * {@code job pretrain} against a Kafka holding synthetic tiles: it starts the pretraining job and the trainer,
 * prints where it runs and a status line with the buffer's fill and the trainer's step, serves the buffer's and the
 * trainer's gauges and the admission counters (by reason) at its Prometheus endpoint while it runs, fills the buffer,
 * and exits 0 after {@code --duration}.
 */
class JobPretrainCommandITCase {

    @TempDir
    Path tmp;

    private static URI awaitMetricsLine(StringWriter out, CompletableFuture<Integer> running) throws Exception {
        Pattern line = Pattern.compile("metrics: (http://127\\.0\\.0\\.1:\\d+/metrics)");
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = line.matcher(out.toString());
            if (m.find()) {
                return URI.create(m.group(1));
            }
            if (running.isDone()) {
                throw new AssertionError("job pretrain ended before printing its metrics line: " + out);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no metrics line: " + out);
    }

    @Test
    void runsThePretrainingJobAndTheTrainerForItsDuration() throws Exception {
        Path work = tmp.resolve("work");
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            String bootstrap = kafka.bootstrapServers();
            CliRun ingest = CliRun.of("ingest", "synthetic", "--bootstrap", bootstrap, "--count", "24", "--rate", "0",
                    "--tile-size", "128", "--seed", "3");
            assertThat(ingest.exitCode()).as(ingest.err()).isZero();

            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cmd = Satstream.commandLine();
            cmd.setOut(new PrintWriter(out, true));
            cmd.setErr(new PrintWriter(err, true));
            CompletableFuture<Integer> running = CompletableFuture.supplyAsync(() -> cmd.execute("job", "pretrain",
                    "--bootstrap", bootstrap, "--work-dir", work.toString(), "--ui-port", "0", "--metrics-port", "0",
                    "--duration", "40s", "--candidate-every", "1000"));
            // While it runs: the buffer's and the trainer's gauges and the admission counters, through Flink's
            // Prometheus reporter.
            URI metrics = awaitMetricsLine(out, running);
            PrometheusMetricsITCase.Scrape scrape = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(35).toNanos();
            while (System.nanoTime() < deadline && !running.isDone()) {
                scrape = PrometheusMetricsITCase.Scrape.of(EmbeddedFlink.scrape(metrics, Duration.ofSeconds(10)).body());
                if (scrape.sum(PrometheusMetricsITCase.OPERATOR + "bufferFill") > 0
                        && scrape.sum(PrometheusMetricsITCase.OPERATOR + "trainerSteps") > 0) {
                    break;
                }
                Thread.sleep(1000);
            }
            assertThat(scrape).isNotNull();
            assertThat(scrape.sum(PrometheusMetricsITCase.OPERATOR + "bufferFill")).isPositive();
            assertThat(scrape.sum(PrometheusMetricsITCase.OPERATOR + "bufferCapacity")).isEqualTo(2048);
            assertThat(scrape.sum(PrometheusMetricsITCase.OPERATOR + "trainerSteps")).isPositive();
            assertThat(scrape.sum(PrometheusMetricsITCase.OPERATOR + "tilesAdmitted")).isPositive();
            assertThat(scrape.samples(PrometheusMetricsITCase.OPERATOR + "reason_tilesRefused").stream()
                    .map(x -> x.labels().get("reason"))).contains("nodata", "cloud", "flat", "duplicate", "decode",
                    "sample_type");
            int code = running.get(2, TimeUnit.MINUTES);
            CliRun run = new CliRun(code, out.toString(), err.toString());

            assertThat(run.exitCode()).as("%s%n%s", run.out(), run.err()).isZero();
            assertThat(run.out()).contains("kafka bootstrap: " + bootstrap)
                    .contains("model store: " + work.resolve("models") + " (serving none yet)")
                    .contains("job: satstream-pretraining (")
                    .contains("objective: sop, checkpoints in " + work.resolve("pretrain-checkpoints").resolve("sop"));
            String last = run.outLines().get(run.outLines().size() - 1);
            assertThat(last).startsWith("done: buffer ").contains("/2048 | step ");
            int fill = Integer.parseInt(last.substring("done: buffer ".length(), last.indexOf('/')));
            assertThat(fill).isPositive();
            assertThat(Files.isDirectory(work.resolve("models"))).isTrue();
        }
    }
}
