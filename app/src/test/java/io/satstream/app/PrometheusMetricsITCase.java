package io.satstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.satstream.app.runtime.EmbeddedFlink;
import io.satstream.kafka.EmbeddedKafka;
import io.satstream.modelstore.ManifestDraft;
import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelStore;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/**
 * {@code job segment} serves the job's metrics through Flink's Prometheus reporter: the endpoint it prints answers
 * while the job runs, with the inference operator's metrics counting what was fed (tiles in and out, DLQ by stage,
 * batch sizes, inference times, refusals by reason) and following a promotion (serving version, swaps, swap
 * duration), and stops with the command.
 */
class PrometheusMetricsITCase {
    /** Flink's Prometheus names of operator metrics: scope {@code taskmanager.job.task.operator}, then the name. */
    static final String OPERATOR = "flink_taskmanager_job_task_operator_";
    private static final Pattern METRICS_LINE = Pattern.compile("metrics: (http://127\\.0\\.0\\.1:(\\d+)/metrics)");
    private static final Duration WAIT = Duration.ofMinutes(3);
    /** Where the last scrape is kept, to see what the reporter exported. */
    private static final Path SCRAPE_FILE = Path.of("target", "PrometheusMetricsITCase-scrape.txt");

    @TempDir
    Path tmp;

    @Test
    void theJobsMetricsAreServedAtThePrintedEndpointWhileItRuns() throws Exception {
        Path work = tmp.resolve("work");
        TestFixtures.createServingModel(work.resolve("models"));
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start();
                ServerSocket taken = new ServerSocket()) {
            String bootstrap = kafka.bootstrapServers();
            ingest(bootstrap, 6);
            // The asked-for port is busy: the command must say so and print the port it really serves on.
            taken.bind(new InetSocketAddress(0));
            int busy = taken.getLocalPort();

            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cmd = Satstream.commandLine();
            cmd.setOut(new PrintWriter(out, true));
            cmd.setErr(new PrintWriter(err, true));
            // --idle ends the run once it is drained and quiet; long enough to scrape before that.
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> cmd.execute("job", "segment",
                    "--bootstrap", bootstrap, "--work-dir", work.toString(), "--ui-port", "0",
                    "--metrics-port", String.valueOf(busy), "--checkpoint-interval", "500ms",
                    "--idle", "25s", "--duration", "4m"));

            Matcher line = awaitLine(out, err, run);
            URI metrics = URI.create(line.group(1));
            assertThat(Integer.parseInt(line.group(2))).isNotEqualTo(busy);
            assertThat(out.toString()).contains("port " + busy + " is busy; using a free one instead (set"
                    + " --metrics-port to choose)");

            // Flink's own metrics are there from the start, in Prometheus text format.
            HttpResponse<String> first = EmbeddedFlink.scrape(metrics, Duration.ofSeconds(10));
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("text/plain"));
            assertThat(Scrape.of(first.body()).values("flink_jobmanager_numRegisteredTaskManagers")).containsExactly(1.0);

            // The tiles that were waiting, then more fed while it runs, plus one record no decoder takes.
            awaitScrape(metrics, run, out, s -> s.sum(OPERATOR + "tilesSegmented") == 6);
            ingest(bootstrap, 6);
            try (KafkaProducer<byte[], byte[]> p = producer(bootstrap)) {
                p.send(new ProducerRecord<>("tiles", bytes("garbage"), bytes("no image here"))).get();
            }
            // One scrape reads the metrics one after another, not as a snapshot: a batch finishing mid-scrape can
            // show in one metric and not yet in another. Wait for a scrape that saw the batch-size summary count
            // every batch; the assertions below then read one consistent picture.
            Scrape s = awaitScrape(metrics, run, out, sc -> sc.sum(OPERATOR + "tilesSegmented") == 12
                    && sc.sum(OPERATOR + "tilesRejected") == 1
                    && sc.sum(OPERATOR + "batchSize_count") == sc.sum(OPERATOR + "batches"));

            // One inference subtask (the job's parallelism), serving unet@1.
            List<Scrape.Sample> version = s.samples(OPERATOR + "servingModelVersion");
            assertThat(version).isNotEmpty().allSatisfy(v -> {
                assertThat(v.value()).isEqualTo(1.0);
                assertThat(v.labels()).containsEntry("job_name", "satstream_segmentation")
                        .containsKeys("subtask_index", "operator_name", "task_name", "tm_id");
            });
            assertThat(version.stream().map(v -> v.labels().get("subtask_index")).distinct()).hasSize(version.size());
            String inference = version.get(0).labels().get("operator_name");
            Predicate<Scrape.Sample> atInference = x -> inference.equals(x.labels().get("operator_name"));
            assertThat(s.sum(OPERATOR + "tilesSegmented", atInference)).isEqualTo(12);
            assertThat(s.sum(OPERATOR + "batches", atInference)).isBetween(1.0, 12.0);
            // The garbage is refused by the decoder, not by inference: the same metric name, told apart by the
            // operator_name label.
            assertThat(s.sum(OPERATOR + "tilesRejected", atInference)).isZero();
            assertThat(s.sum(OPERATOR + "tilesRejected", atInference.negate())).isEqualTo(1);
            assertThat(s.sum(OPERATOR + "tilesDecoded")).isEqualTo(12);
            assertThat(s.sum(OPERATOR + "tilesIn", atInference)).isEqualTo(12);
            // DLQ by stage: the decoder's one refusal under stage="decode"; none at inference's stages yet.
            assertThat(s.sum(OPERATOR + "stage_tilesToDlq", x -> "decode".equals(x.labels().get("stage"))))
                    .isEqualTo(1);
            assertThat(s.samples(OPERATOR + "stage_tilesToDlq").stream().filter(atInference)
                    .map(x -> x.labels().get("stage"))).containsExactlyInAnyOrder("model_input", "inference");
            assertThat(s.sum(OPERATOR + "stage_tilesToDlq", atInference)).isZero();
            // Batch sizes and inference times as summaries (quantiles and a count), one sample per batch.
            assertThat(s.sum(OPERATOR + "batchSize_count", atInference)).isEqualTo(s.sum(OPERATOR + "batches",
                    atInference));
            assertThat(s.samples(OPERATOR + "batchSize").stream().filter(atInference)
                    .filter(x -> "0.5".equals(x.labels().get("quantile"))).map(Scrape.Sample::value))
                    .singleElement().satisfies(median -> assertThat(median).isBetween(1.0, 8.0));
            assertThat(s.samples(OPERATOR + "inferenceMillis").stream().filter(atInference)
                    .filter(x -> "0.99".equals(x.labels().get("quantile"))).map(Scrape.Sample::value))
                    .singleElement().satisfies(p99 -> assertThat(p99).isBetween(0.0, 60_000.0));
            // Every refusal reason is there from the start, at zero; no swap yet.
            assertThat(s.samples(OPERATOR + "reason_modelRefusals").stream().filter(atInference)
                    .map(x -> x.labels().get("reason"))).containsExactlyInAnyOrder("fetch", "checksum", "bands",
                    "classes", "load", "warmup", "warmup_nonfinite");
            assertThat(s.sum(OPERATOR + "reason_modelRefusals")).isZero();
            assertThat(s.sum(OPERATOR + "modelSwaps")).isZero();

            // A promotion while it runs: the gauge moves to 2, one swap with its duration, and tiles go on.
            ModelStore store = ModelStore.open(work.resolve("models"));
            ModelManifest v1 = store.manifest("unet", 1).orElseThrow();
            store.register("unet", store.load("unet", 1).onnx(), new ManifestDraft(1, "test", v1.inputSpec(),
                    v1.classNames(), v1.metrics(), v1.network()));
            CliRun promote = CliRun.of("models", "promote", "2", "--work-dir", work.toString(), "--bootstrap",
                    bootstrap);
            assertThat(promote.exitCode()).as(promote.err()).isZero();
            try (KafkaProducer<byte[], byte[]> p = producer(bootstrap)) {
                p.send(new ProducerRecord<>("model-events", bytes("unet"), bytes("not an event"))).get();
            }
            s = awaitScrape(metrics, run, out, sc -> sc.sum(OPERATOR + "modelSwaps") == 1
                    && sc.sum(OPERATOR + "modelSwapMillis_count") == 1
                    && sc.sum(OPERATOR + "deserializer_modelEventsMalformed") == 1);
            assertThat(s.values(OPERATOR + "servingModelVersion")).containsOnly(2.0);
            assertThat(s.sum(OPERATOR + "modelSwapMillis_count", atInference)).isEqualTo(1);
            assertThat(s.samples(OPERATOR + "modelSwapMillis").stream().filter(atInference)
                    .filter(x -> "0.5".equals(x.labels().get("quantile"))).map(Scrape.Sample::value))
                    .singleElement().satisfies(ms -> assertThat(ms).isBetween(0.0, 60_000.0));
            ingest(bootstrap, 6);
            awaitScrape(metrics, run, out, sc -> sc.sum(OPERATOR + "tilesSegmented") == 18);

            assertThat(run.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("job output:%n%s%n%s", out, err).isZero();
            assertThat(out.toString()).contains("done (idle for 25s)");
            // The reporter's HTTP server goes with the cluster.
            assertThatThrownBy(() -> EmbeddedFlink.scrape(metrics, Duration.ofSeconds(5)))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void aClusterWhoseReporterCannotBindItsPortDoesNotStart() throws Exception {
        // Taken between the choice and the bind: Flink would only log it and run without the endpoint.
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(0));
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> EmbeddedFlink.start(0, port, 1, Files.createDirectories(tmp.resolve("flink-tmp"))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("Flink's Prometheus reporter is not serving http://127.0.0.1:" + port
                            + "/metrics (")
                    .hasMessageEndingWith("is port " + port + " taken? Choose another with --metrics-port");
        }
    }

    @Test
    void aBadMetricsPortIsOneLineAndExitTwo() {
        for (String command : List.of("demo", "job segment")) {
            List<String> args = new ArrayList<>(List.of(command.split(" ")));
            args.addAll(List.of("--work-dir", tmp.resolve("never-created").toString(), "--metrics-port", "70000"));
            if (command.equals("job segment")) {
                args.addAll(List.of("--bootstrap", "127.0.0.1:9092"));
            }
            CliRun run = CliRun.of(args.toArray(String[]::new));
            assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
            assertThat(run.errLines()).containsExactly("satstream: --metrics-port must be 0..65535, got 70000 (see"
                    + " 'satstream " + command + " --help')");
            assertThat(run.out()).isEmpty();
        }
        assertThat(tmp.resolve("never-created")).doesNotExist();
    }

    private static Matcher awaitLine(StringWriter out, StringWriter err, CompletableFuture<Integer> run)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = METRICS_LINE.matcher(out.toString());
            if (m.find()) {
                return m;
            }
            assertThat(run).as("job ended early:%n%s%n%s", out, err).isNotDone();
            Thread.sleep(100);
        }
        throw new AssertionError("no metrics line within " + WAIT + ":\n" + out + "\n" + err);
    }

    /** Scrapes until {@code done} holds, and keeps the last scrape in {@link #SCRAPE_FILE}. */
    private static Scrape awaitScrape(URI metrics, CompletableFuture<Integer> run, StringWriter out,
            Predicate<Scrape> done) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Scrape last = null;
        while (System.nanoTime() < deadline) {
            assertThat(run).as("job ended while scraping:%n%s", out).isNotDone();
            HttpResponse<String> page = EmbeddedFlink.scrape(metrics, Duration.ofSeconds(10));
            assertThat(page.statusCode()).isEqualTo(200);
            last = Scrape.of(page.body());
            Files.createDirectories(SCRAPE_FILE.getParent());
            Files.writeString(SCRAPE_FILE, page.body(), StandardCharsets.UTF_8);
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("metrics did not get there within " + WAIT + "; last scrape in "
                + SCRAPE_FILE.toAbsolutePath() + "; job output:\n" + out);
    }

    private static void ingest(String bootstrap, int count) {
        CliRun ingest = CliRun.of("ingest", "synthetic", "--bootstrap", bootstrap, "--count", String.valueOf(count),
                "--rate", "0", "--tile-size", "64");
        assertThat(ingest.exitCode()).as(ingest.err()).isZero();
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The samples of one Prometheus text exposition (format 0.0.4). */
    record Scrape(List<Sample> samples) {
        private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)");
        private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

        record Sample(String name, Map<String, String> labels, double value) {}

        static Scrape of(String text) {
            List<Sample> samples = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                Matcher m = SAMPLE.matcher(line);
                if (!m.matches()) {
                    throw new AssertionError("not a Prometheus sample line: " + line);
                }
                Map<String, String> labels = new LinkedHashMap<>();
                if (m.group(2) != null) {
                    Matcher l = LABEL.matcher(m.group(2));
                    while (l.find()) {
                        labels.put(l.group(1), l.group(2));
                    }
                }
                samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
            }
            return new Scrape(samples);
        }

        List<Sample> samples(String name) {
            return samples.stream().filter(s -> s.name().equals(name)).toList();
        }

        List<Double> values(String name) {
            return samples(name).stream().map(Sample::value).toList();
        }

        double sum(String name) {
            return sum(name, s -> true);
        }

        double sum(String name, Predicate<Sample> which) {
            return samples(name).stream().filter(which).mapToDouble(Sample::value).sum();
        }
    }
}
