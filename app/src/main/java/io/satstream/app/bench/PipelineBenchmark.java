package io.satstream.app.bench;

import io.satstream.app.ConsoleProgress;
import io.satstream.app.WorkDirOption;
import io.satstream.app.runtime.CommittedOutputMonitor;
import io.satstream.app.runtime.EmbeddedFlink;
import io.satstream.app.runtime.FirstModelBootstrap;
import io.satstream.inference.InferenceRuntime;
import io.satstream.inference.InferenceRuntimes;
import io.satstream.inference.InputSpec;
import io.satstream.inference.RuntimeOptions;
import io.satstream.inference.SampleType;
import io.satstream.ingest.TileProducer;
import io.satstream.ingest.synthetic.SyntheticFeed;
import io.satstream.jobs.SegmentationJob;
import io.satstream.jobs.SegmentationJobConfig;
import io.satstream.kafka.EmbeddedKafka;
import io.satstream.kafka.SatstreamTopics;
import io.satstream.modelstore.LoadedModel;
import io.satstream.modelstore.ModelStore;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.ModelRef;
import io.satstream.schemas.Segmentation;
import io.satstream.schemas.Tile;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.fasterxml.jackson.annotation.JsonProperty;

import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Two measurements of the same model, threads and batch size, in one run:
 * <ol>
 *   <li><b>raw</b>: ONNX Runtime alone on pre-normalised batches (the ceiling);</li>
 *   <li><b>end to end</b>: tiles produced to Kafka, read by the Flink segmentation job, decoded, batched,
 *       segmented and written with exactly-once transactions, counted as a {@code read_committed}
 *       reader sees them. A segment's rate = tiles committed between two commits while the job was busy
 *       (after two batches; before the last commit, which trails the work by up to a checkpoint
 *       interval), over the time between them, so both ends carry the same commit delay.</li>
 * </ol>
 * Raw rounds and end-to-end segments alternate (raw, e2e, raw, e2e, …, raw) with the job idle during
 * raw rounds, so a drift of the machine's speed — large on shared virtual machines — hits both alike.
 * Then a paced phase at half the raw rate gives per-tile latency from ingestion to committed output.
 */
public final class PipelineBenchmark {
    private static final String MODEL = "unet";

    /** What to run. */
    public record Settings(int tiles, int batchSize, int threads, int tileSize, int latencySeconds, String bootstrap,
            Duration checkpointInterval) {}

    /** The numbers; field names are the JSON contract of {@code bench pipeline}. */
    public record Result(
            @JsonProperty("raw_tiles_per_s") double rawTilesPerS,
            @JsonProperty("end_to_end_tiles_per_s") double endToEndTilesPerS,
            @JsonProperty("ratio") double ratio,
            @JsonProperty("batch_size") int batchSize,
            @JsonProperty("runtime") String runtime,
            @JsonProperty("p50_ms") double p50Ms,
            @JsonProperty("p99_ms") double p99Ms,
            @JsonProperty("threads") int threads,
            @JsonProperty("tile_size") int tileSize,
            @JsonProperty("tiles") int tiles,
            @JsonProperty("model") String model,
            @JsonProperty("checkpoint_interval_ms") long checkpointIntervalMs,
            @JsonProperty("latency_rate_tiles_per_s") double latencyRate,
            @JsonProperty("latency_samples") int latencySamples,
            @JsonProperty("job_inference_ms_per_tile") double jobInferenceMsPerTile,
            @JsonProperty("raw_rounds_tiles_per_s") List<Double> rawRoundsTilesPerS,
            @JsonProperty("cores") int cores,
            @JsonProperty("measured_at") String measuredAt) {

        public String table() {
            return String.join(System.lineSeparator(),
                    "bench pipeline (" + model + ", " + runtime + ", batch " + batchSize + ", " + threads + " threads, "
                            + tileSize + "x" + tileSize + " tiles)",
                    String.format("  %-34s %10.1f", "raw ONNX Runtime tiles/s", rawTilesPerS),
                    String.format("  %-34s %10.1f", "end-to-end tiles/s (Kafka+Flink)", endToEndTilesPerS),
                    String.format("  %-34s %10.3f", "ratio (target >= 0.9)", ratio),
                    String.format("  %-34s %10.2f", "runtime ms/tile inside the job", jobInferenceMsPerTile),
                    String.format("  %-34s %10.2f", "runtime ms/tile raw", 1000 / rawTilesPerS),
                    String.format("  %-34s %10.1f", "latency p50 ms @ " + String.format("%.1f", latencyRate) + "/s", p50Ms),
                    String.format("  %-34s %10.1f", "latency p99 ms", p99Ms));
        }
    }

    /** End-to-end segments; a raw round runs before each and after the last. */
    static final int SEGMENTS = 3;

    private final WorkDirOption workDir;
    private final Settings settings;
    private final ConsoleProgress progress;

    public PipelineBenchmark(WorkDirOption workDir, Settings settings, ConsoleProgress progress) {
        this.workDir = workDir;
        this.settings = settings;
        this.progress = progress;
    }

    public Result run() throws Exception {
        ModelStore store = ModelStore.open(workDir.ensure("models"));
        ModelRef ref = FirstModelBootstrap.ensureServing(store, MODEL, progress);
        LoadedModel model = store.load(ref.name(), ref.version());
        InputSpec spec = model.manifest().toInputSpec();

        int warmup = settings.batchSize() * 4;
        progress.println("generating " + (settings.tiles() + warmup) + " synthetic tiles…");
        List<Tile> tiles = generate(settings.tiles() + warmup);

        EmbeddedKafka kafka = null;
        try (RawRounds raw = new RawRounds(model.onnx(), spec, tiles.subList(0, settings.tiles() / SEGMENTS))) {
            String servers = settings.bootstrap();
            if (servers == null) {
                kafka = EmbeddedKafka.builder().build().start();
                servers = kafka.bootstrapServers();
            }
            String run = Long.toString(System.currentTimeMillis(), 36);
            SatstreamTopics.Names topics = new SatstreamTopics.Names("bench-" + run + "-tiles",
                    "bench-" + run + "-segmentations", "bench-" + run + "-model-events", "bench-" + run + "-dlq");
            SatstreamTopics.ensure(servers, topics, 2);
            try (EmbeddedFlink flink = EmbeddedFlink.start(0, 2, workDir.ensure("flink-tmp"))) {
                return measure(servers, topics, flink, store, tiles, warmup, raw);
            }
        } finally {
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    private List<Tile> generate(int count) {
        List<Tile> out = new ArrayList<>(count);
        try (SyntheticFeed feed = new SyntheticFeed("bench", 7L, settings.tileSize(), count)) {
            while (out.size() < count) {
                out.add(feed.next().orElseThrow(() -> new IllegalStateException("synthetic feed ran dry")));
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot generate tiles: " + e.getMessage(), e);
        }
        return out;
    }

    /** ONNX Runtime alone, on batches normalised beforehand; one session for every round. */
    private final class RawRounds implements AutoCloseable {
        private final List<float[]> inputs = new ArrayList<>();
        private final InferenceRuntime runtime;
        private final int channels;
        private final List<Double> rates = new ArrayList<>();

        RawRounds(byte[] onnx, InputSpec spec, List<Tile> tiles) {
            int b = settings.batchSize();
            int plane = settings.tileSize() * settings.tileSize();
            channels = spec.bands().size();
            for (int i = 0; i + b <= tiles.size(); i += b) {
                float[] input = new float[b * channels * plane];
                for (int j = 0; j < b; j++) {
                    spec.normalizeInto(bytes(tiles.get(i + j).getPixels()), SampleType.UINT8, plane, input,
                            j * channels * plane);
                }
                inputs.add(input);
            }
            runtime = InferenceRuntimes.open("onnxruntime", onnx, new RuntimeOptions(settings.threads(), 1));
            for (int i = 0; i < Math.min(2, inputs.size()); i++) {
                infer(inputs.get(i));
            }
        }

        private void infer(float[] input) {
            runtime.infer(input, settings.batchSize(), channels, settings.tileSize(), settings.tileSize());
        }

        /** One pass over the round's batches; returns and records its tiles/s. */
        double round() {
            long t0 = System.nanoTime();
            for (int i = 0; i < inputs.size(); i++) {
                infer(inputs.get(i));
                progress.update(String.format("raw ONNX Runtime: round %d, batch %d/%d", rates.size() + 1, i + 1,
                        inputs.size()));
            }
            double rate = inputs.size() * settings.batchSize() / ((System.nanoTime() - t0) / 1e9);
            rates.add(rate);
            return rate;
        }

        List<Double> rates() {
            return rates;
        }

        @Override
        public void close() {
            runtime.close();
        }
    }

    private Result measure(String servers, SatstreamTopics.Names topics, EmbeddedFlink flink, ModelStore store,
            List<Tile> tiles, int warmup, RawRounds raw) throws Exception {
        SegmentationJobConfig cfg = SegmentationJobConfig.builder()
                .bootstrapServers(servers)
                .tilesTopic(topics.tiles())
                .segmentationsTopic(topics.segmentations())
                .dlqTopic(topics.tilesDlq())
                .modelEventsTopic(topics.modelEvents())
                .groupId("bench-" + topics.tiles())
                .transactionalIdPrefix("bench-" + topics.tiles())
                .modelStoreDir(store.root().toString())
                .modelName(MODEL)
                .runtime("onnxruntime")
                .intraOpThreads(settings.threads())
                .batchMaxSize(settings.batchSize())
                .checkpointInterval(settings.checkpointInterval())
                .build();
        ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> inferenceMicros = new ConcurrentLinkedQueue<>();
        JobClient job = flink.submit("bench-pipeline", env -> {
            SegmentationJob.configureEnvironment(env, cfg);
            SegmentationJob.build(env, cfg);
        });
        try (TileProducer producer = new TileProducer(servers, topics.tiles());
                CommittedOutputMonitor monitor = new CommittedOutputMonitor(servers, topics.segmentations(),
                        topics.tilesDlq(), (r, rejected, at) -> {
                            if (!rejected) {
                                Segmentation s = AvroCodec.segmentation().decode(r.value());
                                if (s.getTileId().startsWith("latency-")) {
                                    latencies.add((double) (at - s.getTimings().getIngestedAt().toEpochMilli()));
                                } else if (s.getTileId().startsWith("measured-")) {
                                    inferenceMicros.add(s.getTimings().getInferenceMicros());
                                }
                            }
                        }).start()) {
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            // Warm-up: job start, model load, JIT; not measured.
            sendAndAwait(producer, monitor, job, deadline, tiles.subList(0, warmup), "warmup-", warmup, null);

            List<Tile> measured = tiles.subList(warmup, tiles.size());
            int perSegment = measured.size() / SEGMENTS;
            long tilesTimed = 0;
            long nanosTimed = 0;
            for (int seg = 0; seg < SEGMENTS; seg++) {
                progress.println(String.format("raw ONNX Runtime round: %.1f tiles/s", raw.round()));
                List<Tile> part = measured.subList(seg * perSegment, (seg + 1) * perSegment);
                long[] window = new long[2];
                sendAndAwait(producer, monitor, job, deadline, part, "measured-", 2 * settings.batchSize(), window);
                if (window[1] == 0) {
                    progress.println(String.format("end-to-end segment %d/%d: fewer than three commits, too short to time",
                            seg + 1, SEGMENTS));
                    continue;
                }
                tilesTimed += window[0];
                nanosTimed += window[1];
                progress.println(String.format("end-to-end segment %d/%d: %.1f tiles/s", seg + 1, SEGMENTS,
                        window[0] / (window[1] / 1e9)));
            }
            progress.println(String.format("raw ONNX Runtime round: %.1f tiles/s", raw.round()));
            if (monitor.rejected() > 0) {
                throw new IllegalStateException(monitor.rejected() + " benchmark tiles were rejected to the DLQ");
            }
            if (nanosTimed == 0) {
                throw new IllegalStateException("no segment spanned three commits: raise --tiles or lower"
                        + " --checkpoint-interval so a segment spans several commits");
            }
            double e2e = tilesTimed / (nanosTimed / 1e9);
            double rawRate = median(raw.rates());

            // Paced phase: latency from ingestion to a committed, readable segmentation.
            double rate = Math.max(1.0, rawRate / 2);
            int count = (int) Math.max(10, rate * settings.latencySeconds());
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                long due = start + (long) (i * 1e9 / rate);
                while (System.nanoTime() < due) {
                    Thread.sleep(1);
                }
                producer.send(renamed(tiles.get(i % tiles.size()), "latency-", i));
                progress.update("latency phase: sent " + (i + 1) + "/" + count + " at " + String.format("%.1f", rate) + "/s");
            }
            producer.flush();
            while (latencies.size() < count) {
                checkAlive(job, deadline);
                Thread.sleep(20);
            }
            double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return new Result(round(rawRate), round(e2e), Math.round(e2e / rawRate * 1000) / 1000.0,
                    settings.batchSize(), "onnxruntime", round(percentile(sorted, 50)), round(percentile(sorted, 99)),
                    settings.threads(), settings.tileSize(), (int) tilesTimed, MODEL,
                    settings.checkpointInterval().toMillis(), round(rate), sorted.length,
                    Math.round(inferenceMicros.stream().mapToLong(Long::longValue).average().orElse(0) / 10) / 100.0,
                    raw.rates().stream().map(PipelineBenchmark::round).toList(),
                    Runtime.getRuntime().availableProcessors(), Instant.now().toString());
        } finally {
            flink.cancel(job, Duration.ofSeconds(30));
        }
    }

    /**
     * Produces {@code part} (renamed with {@code prefix}) and waits until a read_committed reader has all
     * of it. With {@code window}, records the tiles and nanoseconds between two commits during which the
     * job was busy all along: the first commit that shows at least {@code startAfter} of the part, and the
     * last commit before the one that completes it. The final commit is left out on purpose: it comes up
     * to one checkpoint interval after the job ran out of work, and would count that idle time.
     */
    private void sendAndAwait(TileProducer producer, CommittedOutputMonitor monitor, JobClient job, long deadline,
            List<Tile> part, String prefix, int startAfter, long[] window) throws Exception {
        long base = monitor.segmented() + monitor.rejected();
        for (int i = 0; i < part.size(); i++) {
            producer.send(renamed(part.get(i), prefix, (int) base + i));
        }
        producer.flush();
        // A commit reaches the reader as a burst of records; a gap longer than this starts a new one.
        long burstGap = Math.min(settings.checkpointInterval().toNanos() / 4, 250_000_000L);
        List<long[]> commits = new ArrayList<>(); // {time of the burst's first record, count after the burst}
        long last = 0;
        long lastChange = 0;
        long done;
        while ((done = monitor.segmented() + monitor.rejected() - base) < part.size()) {
            long now = System.nanoTime();
            if (done != last) {
                if (commits.isEmpty() || now - lastChange > burstGap) {
                    commits.add(new long[] {now, done});
                } else {
                    commits.get(commits.size() - 1)[1] = done;
                }
                last = done;
                lastChange = now;
            }
            checkAlive(job, deadline);
            progress.update(prefix + ": " + done + "/" + part.size() + " committed");
            Thread.sleep(1);
        }
        if (window == null) {
            return;
        }
        long[] first = null;
        for (long[] c : commits) {
            if (c[1] >= startAfter) {
                first = c;
                break;
            }
        }
        long[] end = commits.isEmpty() ? null : commits.get(commits.size() - 1);
        if (first != null && end != null && end[0] > first[0]) {
            window[0] = end[1] - first[1];
            window[1] = end[0] - first[0];
        }
    }

    private static Tile renamed(Tile tile, String prefix, int index) {
        String id = String.format("%s%06d", prefix, index);
        return Tile.newBuilder(tile).setTileId(id).setSceneId(id).setIngestedAt(Instant.now()).build();
    }

    private static void checkAlive(JobClient job, long deadline) throws Exception {
        if (job.getJobStatus().get().isGloballyTerminalState()) {
            throw new IllegalStateException("the benchmark job ended: " + job.getJobStatus().get());
        }
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the benchmark did not finish within 10 minutes");
        }
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
