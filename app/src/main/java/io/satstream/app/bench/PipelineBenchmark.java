package io.satstream.app.bench;

import io.satstream.app.ConsoleProgress;
import io.satstream.app.WorkDirOption;
import io.satstream.app.runtime.CommittedOutputMonitor;
import io.satstream.app.runtime.EmbeddedFlink;
import io.satstream.app.runtime.FirstModelBootstrap;
import io.satstream.ingest.TileProducer;
import io.satstream.ingest.synthetic.SyntheticFeed;
import io.satstream.jobs.SegmentationJob;
import io.satstream.jobs.SegmentationJobConfig;
import io.satstream.kafka.EmbeddedKafka;
import io.satstream.kafka.SatstreamTopics;
import io.satstream.modelstore.LoadedModel;
import io.satstream.modelstore.ModelStore;
import io.satstream.models.InferenceRuntime;
import io.satstream.models.InferenceRuntimes;
import io.satstream.models.InputSpec;
import io.satstream.models.RuntimeOptions;
import io.satstream.models.SampleType;
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
 *   <li><b>end to end</b>: tiles already in Kafka, read by the Flink segmentation job, decoded, batched,
 *       segmented and written with exactly-once transactions, counted as a {@code read_committed}
 *       reader sees them. Rate = tiles committed between the first commit after warm-up and the last
 *       one, over that time, so job start-up is excluded and both ends carry the same commit delay.</li>
 * </ol>
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
            @JsonProperty("processing_tiles_per_s") double processingTilesPerS,
            @JsonProperty("job_inference_ms_per_tile") double jobInferenceMsPerTile,
            @JsonProperty("raw_rounds_tiles_per_s") List<Double> rawRoundsTilesPerS,
            @JsonProperty("cores") int cores,
            @JsonProperty("measured_at") String measuredAt) {

        /** The same result with the raw rate taken as the median of all raw rounds. */
        Result withRaw(List<Double> rawRates) {
            double raw = round(median(rawRates));
            return new Result(raw, endToEndTilesPerS, Math.round(endToEndTilesPerS / raw * 1000) / 1000.0, batchSize,
                    runtime, p50Ms, p99Ms, threads, tileSize, tiles, model, checkpointIntervalMs, latencyRate,
                    latencySamples, processingTilesPerS, jobInferenceMsPerTile,
                    rawRates.stream().map(PipelineBenchmark::round).toList(), cores, measuredAt);
        }

        public String table() {
            return String.join(System.lineSeparator(),
                    "bench pipeline (" + model + ", " + runtime + ", batch " + batchSize + ", " + threads + " threads, "
                            + tileSize + "x" + tileSize + " tiles)",
                    String.format("  %-34s %10.1f", "raw ONNX Runtime tiles/s", rawTilesPerS),
                    String.format("  %-34s %10.1f", "end-to-end tiles/s (Kafka+Flink)", endToEndTilesPerS),
                    String.format("  %-34s %10.3f", "ratio (target >= 0.9)", ratio),
                    String.format("  %-34s %10.1f", "job processing tiles/s (segmentedAt)", processingTilesPerS),
                    String.format("  %-34s %10.2f", "runtime ms/tile inside the job", jobInferenceMsPerTile),
                    String.format("  %-34s %10.2f", "runtime ms/tile raw", 1000 / rawTilesPerS),
                    String.format("  %-34s %10.1f", "latency p50 ms @ " + String.format("%.1f", latencyRate) + "/s", p50Ms),
                    String.format("  %-34s %10.1f", "latency p99 ms", p99Ms));
        }
    }

    /** Rounds of the raw measurement, before and again after the end-to-end phase. */
    static final int RAW_ROUNDS = 3;

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

        List<Double> rawRates = new ArrayList<>(measureRaw(model.onnx(), spec, tiles));
        progress.println(String.format("raw ONNX Runtime: %.1f tiles/s (median of %d rounds)", median(rawRates), RAW_ROUNDS));

        Result result;
        EmbeddedKafka kafka = null;
        try {
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
                result = measureEndToEnd(servers, topics, flink, store, spec, tiles, warmup, median(rawRates));
            }
        } finally {
            if (kafka != null) {
                kafka.close();
            }
        }
        // Raw again once the pipeline is gone, so drift of the machine's speed hits both sides alike.
        rawRates.addAll(measureRaw(model.onnx(), spec, tiles));
        return result.withRaw(rawRates);
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

    /**
     * ONNX Runtime alone, on batches normalised beforehand: {@link #RAW_ROUNDS} rounds over the
     * measured tiles; each round's rate is kept, since a shared machine's speed drifts.
     */
    private List<Double> measureRaw(byte[] onnx, InputSpec spec, List<Tile> tiles) {
        int b = settings.batchSize();
        int side = settings.tileSize();
        int c = spec.bands().size();
        int plane = side * side;
        int batches = Math.max(1, settings.tiles() / b / RAW_ROUNDS);
        List<float[]> inputs = new ArrayList<>();
        for (int i = 0; i < batches; i++) {
            float[] input = new float[b * c * plane];
            for (int j = 0; j < b; j++) {
                Tile t = tiles.get((i * b + j) % tiles.size());
                spec.normalizeInto(bytes(t.getPixels()), SampleType.UINT8, plane, input, j * c * plane);
            }
            inputs.add(input);
        }
        List<Double> rates = new ArrayList<>();
        try (InferenceRuntime runtime = InferenceRuntimes.open("onnxruntime", onnx,
                new RuntimeOptions(settings.threads(), 1))) {
            for (int i = 0; i < Math.min(3, inputs.size()); i++) {
                runtime.infer(inputs.get(i), b, c, side, side);
            }
            for (int round = 0; round < RAW_ROUNDS; round++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < inputs.size(); i++) {
                    runtime.infer(inputs.get(i), b, c, side, side);
                    progress.update(String.format("raw ONNX Runtime: round %d/%d, batch %d/%d",
                            round + 1, RAW_ROUNDS, i + 1, inputs.size()));
                }
                rates.add(batches * b / ((System.nanoTime() - t0) / 1e9));
            }
        }
        return rates;
    }

    private Result measureEndToEnd(String servers, SatstreamTopics.Names topics, EmbeddedFlink flink, ModelStore store,
            InputSpec spec, List<Tile> tiles, int warmup, double raw) throws Exception {
        int total = tiles.size();
        progress.println("producing " + total + " tiles to " + topics.tiles() + "…");
        try (TileProducer producer = new TileProducer(servers, topics.tiles())) {
            for (Tile t : tiles) {
                producer.send(t);
            }
            producer.flush();
        }
        SegmentationJobConfig cfg = SegmentationJobConfig.builder()
                .bootstrapServers(servers)
                .tilesTopic(topics.tiles())
                .segmentationsTopic(topics.segmentations())
                .dlqTopic(topics.tilesDlq())
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
        ConcurrentLinkedQueue<Long> segmentedAt = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> inferenceMicros = new ConcurrentLinkedQueue<>();
        long[] firstCommit = {0, 0};
        JobClient job = flink.submit("bench-pipeline", env -> {
            SegmentationJob.configureEnvironment(env, cfg);
            SegmentationJob.build(env, cfg);
        });
        try (CommittedOutputMonitor monitor = new CommittedOutputMonitor(servers, topics.segmentations(),
                topics.tilesDlq(), (r, rejected, at) -> {
                    if (!rejected) {
                        Segmentation s = AvroCodec.segmentation().decode(r.value());
                        if (s.getTileId().startsWith("latency-")) {
                            latencies.add((double) (at - s.getTimings().getIngestedAt().toEpochMilli()));
                        } else {
                            segmentedAt.add(s.getTimings().getSegmentedAt().toEpochMilli());
                            inferenceMicros.add(s.getTimings().getInferenceMicros());
                        }
                    }
                }).start()) {
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            long t0 = 0;
            long c0 = 0;
            while (monitor.segmented() + monitor.rejected() < total) {
                long done = monitor.segmented() + monitor.rejected();
                if (t0 == 0 && done >= warmup) {
                    t0 = System.nanoTime();
                    c0 = done;
                }
                checkAlive(job, deadline);
                progress.update("end to end: " + done + "/" + total + " committed");
                Thread.sleep(5);
            }
            long t1 = System.nanoTime();
            if (monitor.rejected() > 0) {
                throw new IllegalStateException(monitor.rejected() + " benchmark tiles were rejected to the DLQ");
            }
            double e2e = (total - c0) / ((t1 - t0) / 1e9);
            // The job's own pace, from when tiles left inference: without the commit interval's quantisation.
            long[] at = segmentedAt.stream().mapToLong(Long::longValue).sorted().toArray();
            double processing = (at.length - warmup) / Math.max(1e-3, (at[at.length - 1] - at[warmup]) / 1e3);
            progress.println(String.format("end to end: %.1f tiles/s (%d tiles after warm-up)", e2e, total - c0));

            // Paced phase: latency from ingestion to a committed, readable segmentation.
            double rate = Math.max(1.0, raw / 2);
            int count = (int) Math.max(10, rate * settings.latencySeconds());
            try (TileProducer producer = new TileProducer(servers, topics.tiles())) {
                long start = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    long due = start + (long) (i * 1e9 / rate);
                    while (System.nanoTime() < due) {
                        Thread.sleep(1);
                    }
                    Tile t = Tile.newBuilder(tiles.get(i % tiles.size()))
                            .setTileId(String.format("latency-%06d", i))
                            .setSceneId(String.format("latency-%06d", i))
                            .setIngestedAt(Instant.now())
                            .build();
                    producer.send(t);
                    progress.update("latency phase: sent " + (i + 1) + "/" + count + " at " + String.format("%.1f", rate) + "/s");
                }
                producer.flush();
            }
            while (latencies.size() < count) {
                checkAlive(job, deadline);
                Thread.sleep(20);
            }
            double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return new Result(round(raw), round(e2e), Math.round(e2e / raw * 1000) / 1000.0, settings.batchSize(),
                    "onnxruntime", round(percentile(sorted, 50)), round(percentile(sorted, 99)), settings.threads(),
                    settings.tileSize(), total - (int) c0, MODEL, settings.checkpointInterval().toMillis(), round(rate),
                    sorted.length, round(processing),
                    Math.round(inferenceMicros.stream().mapToLong(Long::longValue).average().orElse(0) / 10) / 100.0,
                    List.of(), Runtime.getRuntime().availableProcessors(), Instant.now().toString());
        } finally {
            flink.cancel(job, Duration.ofSeconds(30));
        }
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
