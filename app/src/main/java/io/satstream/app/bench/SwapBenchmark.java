package io.satstream.app.bench;

import io.satstream.app.ConsoleProgress;
import io.satstream.app.WorkDirOption;
import io.satstream.app.bench.SwapBenchAnalysis.Numbers;
import io.satstream.app.bench.SwapBenchAnalysis.Out;
import io.satstream.app.bench.SwapBenchAnalysis.Sent;
import io.satstream.app.bench.SwapBenchAnalysis.Swap;
import io.satstream.app.bench.SwapBenchAnalysis.SwapNumbers;
import io.satstream.app.runtime.CommittedOutputMonitor;
import io.satstream.app.runtime.EmbeddedFlink;
import io.satstream.app.runtime.FirstModelBootstrap;
import io.satstream.ingest.TileProducer;
import io.satstream.ingest.synthetic.SyntheticFeed;
import io.satstream.jobs.SegmentationJob;
import io.satstream.jobs.SegmentationJobConfig;
import io.satstream.kafka.EmbeddedKafka;
import io.satstream.kafka.SatstreamTopics;
import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelStore;
import io.satstream.modelstore.events.ModelEventPublisher;
import io.satstream.modelstore.events.ModelEvents;
import io.satstream.schemas.Headers;
import io.satstream.schemas.ModelEventType;
import io.satstream.schemas.ModelRef;
import io.satstream.schemas.Tile;
import io.satstream.training.engine.CpuInfo;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonProperty;

import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;

/**
 * Hot swap under load: a steady feed of synthetic tiles into the segmentation job (parallelism 2 by default) while the
 * serving version is promoted every few seconds, alternating between two versions of the same network
 * ({@link SwapBenchModels}), each time {@code ModelStore.promote} followed by a PROMOTED event on
 * {@code model-events}. Timeline: warm-up (a few batches per subtask at once, until every subtask has committed
 * output), a burst of tiles at once whose throughput is the job's capacity (the feed runs at 60 % of it unless a rate
 * is given), the paced feed starts, a few seconds more of warm-up, a steady phase, the swaps, a steady phase again,
 * then the feed stops and everything drains.
 *
 * <p>All times are Kafka record timestamps (CreateTime), taken on this machine's clock:
 * <ul>
 *   <li>tile latency = CreateTime of its committed {@code segmentations} record (set when the job's sink produced it,
 *       before the checkpoint that commits it) minus CreateTime of its {@code tiles} record, so the commit wait does
 *       not dominate; a tile produced within {@link Settings#window()} from a PROMOTED event's CreateTime is in that
 *       swap's window, every other tile after the warm-up is steady;</li>
 *   <li>promote → switch of a swap = the latest, over the inference subtasks, of the earliest CreateTime of a record
 *       that subtask made with the new generation ({@code model-generation} header), minus the event's CreateTime;</li>
 *   <li>lost / duplicated: tile ids sent against the ids of every committed {@code segmentations} and
 *       {@code tiles-dlq} record, once all is drained.</li>
 * </ul>
 * Before each promotion the previous one must have reached every subtask (seen in committed output), so that swap k
 * is generation k everywhere; a promotion is then late rather than superseding one still loading.
 */
public final class SwapBenchmark {
    static final String MODEL = "unet";
    static final Duration MAX_WINDOW = Duration.ofSeconds(10);
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration SWITCH_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(3);
    private static final int TILE_POOL = 32;
    /** Batches per subtask sent at once to warm the job up. */
    private static final int WARM_BATCHES = 4;
    /** The feed's rate when none is given, as a fraction of what the job sustained in the burst at the start. */
    static final double AUTO_RATE_FRACTION = 0.6;
    private static final String PUBLISHER = "satstream-bench-swap";

    /** What to run. */
    /** What to run; {@code rate} null: {@link #AUTO_RATE_FRACTION} of the capacity measured at the start. */
    public record Settings(int parallelism, int swaps, Duration every, Double rate, int tileSize, Duration steady,
            Duration warmup, int calibrationTiles, int batchSize, int threads, Duration checkpointInterval,
            boolean retrain, SwapBenchModels.Recipe recipe, String bootstrap) {

        /** A tile produced this long from a PROMOTED event is in its swap window: 10 s, or the interval if shorter. */
        public Duration window() {
            return every.compareTo(MAX_WINDOW) < 0 ? every : MAX_WINDOW;
        }
    }

    /** One swap. */
    public record SwapDetail(
            @JsonProperty("swap") int swap,
            @JsonProperty("from") String from,
            @JsonProperty("to") String to,
            @JsonProperty("published_at_ms") long publishedAtMs,
            @JsonProperty("promote_to_switch_ms") long promoteToSwitchMs,
            @JsonProperty("subtask_switch_ms") Map<String, Long> subtaskSwitchMs,
            @JsonProperty("window_tiles") int windowTiles,
            @JsonProperty("window_p50_ms") double windowP50Ms,
            @JsonProperty("window_p99_ms") double windowP99Ms,
            @JsonProperty("window_max_ms") double windowMaxMs,
            @JsonProperty("window_max_produced_after_promote_ms") long windowMaxProducedAfterPromoteMs,
            @JsonProperty("window_max_generation") long windowMaxGeneration) {}

    /** The numbers; the first five fields are the JSON contract of {@code bench swap}. */
    public record Result(
            @JsonProperty("steady_p99_ms") double steadyP99Ms,
            @JsonProperty("swap_p99_ms") double swapP99Ms,
            @JsonProperty("promote_to_switch_ms") long promoteToSwitchMs,
            @JsonProperty("lost") int lost,
            @JsonProperty("duplicated") int duplicated,
            @JsonProperty("steady_p50_ms") double steadyP50Ms,
            @JsonProperty("swap_p50_ms") double swapP50Ms,
            @JsonProperty("p99_ratio") double p99Ratio,
            @JsonProperty("promote_to_switch_ms_median") double promoteToSwitchMsMedian,
            @JsonProperty("swaps") int swaps,
            @JsonProperty("tiles") int tiles,
            @JsonProperty("rate") double rate,
            @JsonProperty("achieved_rate") double achievedRate,
            @JsonProperty("rate_auto") boolean rateAuto,
            @JsonProperty("capacity_tiles_per_s") double capacityTilesPerS,
            @JsonProperty("parallelism") int parallelism,
            @JsonProperty("runtime") String runtime,
            @JsonProperty("cpu") String cpu,
            @JsonProperty("cores") int cores,
            @JsonProperty("versions") List<String> versions,
            @JsonProperty("second_version") String secondVersion,
            @JsonProperty("second_version_how") String secondVersionHow,
            @JsonProperty("base_model") String baseModel,
            @JsonProperty("tile_size") int tileSize,
            @JsonProperty("batch_size") int batchSize,
            @JsonProperty("threads") int threads,
            @JsonProperty("checkpoint_interval_ms") long checkpointIntervalMs,
            @JsonProperty("every_ms") long everyMs,
            @JsonProperty("swap_window_ms") long swapWindowMs,
            @JsonProperty("steady_samples") int steadySamples,
            @JsonProperty("swap_samples") int swapSamples,
            @JsonProperty("warmup_tiles") int warmupTiles,
            @JsonProperty("rejected") int rejected,
            @JsonProperty("unexpected") int unexpected,
            @JsonProperty("version_mismatches") int versionMismatches,
            @JsonProperty("swap_details") List<SwapDetail> swapDetails,
            @JsonProperty("measured_at") String measuredAt) {

        public String table() {
            List<String> lines = new ArrayList<>();
            lines.add(String.format(Locale.ROOT, "bench swap (%s, %s, parallelism %d, %dx%d tiles at %.1f/s, batch %d,"
                    + " %d thread%s per subtask, checkpoint %d ms)", String.join(" <-> ", versions), runtime,
                    parallelism, tileSize, tileSize, rate, batchSize, threads, threads == 1 ? "" : "s",
                    checkpointIntervalMs));
            lines.add("  second version: " + secondVersion + " (" + secondVersionHow + ")");
            lines.add("  cpu: " + cpu + " (" + cores + " cores)");
            lines.add(row("capacity tiles/s (burst at the start)", fmt(capacityTilesPerS)));
            lines.add(row("feed tiles/s" + (rateAuto ? String.format(Locale.ROOT, " (auto: %.0f %% of capacity)",
                    AUTO_RATE_FRACTION * 100) : ""), String.format(Locale.ROOT, "%.1f", achievedRate)));
            lines.add(row("tiles sent (warm-up and burst included)", Integer.toString(tiles)));
            lines.add(row("swaps, every / window ms", String.format(Locale.ROOT, "%d, %d / %d", swaps, everyMs,
                    swapWindowMs)));
            lines.add(row("latency p50 ms steady (n=" + steadySamples + ")", fmt(steadyP50Ms)));
            lines.add(row("latency p99 ms steady", fmt(steadyP99Ms)));
            lines.add(row("latency p50 ms in swaps (n=" + swapSamples + ")", fmt(swapP50Ms)));
            lines.add(row("latency p99 ms in swaps", fmt(swapP99Ms)));
            lines.add(row("p99 ratio swap / steady", String.format(Locale.ROOT, "%.2f", p99Ratio)));
            lines.add(row("promote -> switch ms, max", Long.toString(promoteToSwitchMs)));
            lines.add(row("promote -> switch ms, median", fmt(promoteToSwitchMsMedian)));
            lines.add(row("lost", Integer.toString(lost)));
            lines.add(row("duplicated", Integer.toString(duplicated)));
            if (rejected + unexpected + versionMismatches > 0) {
                lines.add(row("rejected / unexpected / wrong version", rejected + " / " + unexpected + " / "
                        + versionMismatches));
            }
            lines.add(String.format(Locale.ROOT, "  %4s  %-12s %-12s %10s  %-22s %7s %9s %9s  %s", "swap", "from", "to",
                    "switch ms", "per subtask ms", "tiles", "p50 ms", "p99 ms", "slowest ms (sent at +ms, gen)"));
            for (SwapDetail d : swapDetails) {
                String perSubtask = d.subtaskSwitchMs().entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                        .collect(Collectors.joining(" "));
                lines.add(String.format(Locale.ROOT, "  %4d  %-12s %-12s %10d  %-22s %7d %9s %9s  %s (+%d, %d)",
                        d.swap(), d.from(), d.to(), d.promoteToSwitchMs(), perSubtask, d.windowTiles(),
                        fmt(d.windowP50Ms()), fmt(d.windowP99Ms()), fmt(d.windowMaxMs()),
                        d.windowMaxProducedAfterPromoteMs(), d.windowMaxGeneration()));
            }
            return String.join(System.lineSeparator(), lines);
        }

        private static String row(String label, String value) {
            return String.format(Locale.ROOT, "  %-40s %12s", label, value);
        }

        private static String fmt(double v) {
            return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
        }
    }

    private final WorkDirOption workDir;
    private final Settings settings;
    private final ConsoleProgress progress;

    public SwapBenchmark(WorkDirOption workDir, Settings settings, ConsoleProgress progress) {
        this.workDir = workDir;
        this.settings = settings;
        this.progress = progress;
    }

    public Result run() throws Exception {
        ModelStore main = ModelStore.open(workDir.ensure("models"));
        ModelRef ref = FirstModelBootstrap.ensureServing(main, MODEL, progress);
        ModelManifest base = main.manifest(ref.name(), ref.version()).orElseThrow(
                () -> new IllegalStateException("the serving version " + ref + " has no manifest"));
        SwapBenchModels.Pair models = SwapBenchModels.prepare(workDir.ensure("bench", "swap-models"), main, base,
                settings.retrain(), settings.recipe(), progress);
        // A fresh job starts from serving.json: the first version, whatever the last run left there.
        models.store().promote(MODEL, models.first().version());

        progress.println("generating " + TILE_POOL + " synthetic " + settings.tileSize() + "x" + settings.tileSize()
                + " tiles…");
        List<Tile> pool = generate();
        EmbeddedKafka kafka = null;
        try {
            String servers = settings.bootstrap();
            if (servers == null) {
                kafka = EmbeddedKafka.builder().build().start();
                servers = kafka.bootstrapServers();
            }
            String run = "bench-swap-" + Long.toString(System.currentTimeMillis(), 36);
            SatstreamTopics.Names topics = new SatstreamTopics.Names(run + "-tiles", run + "-segmentations",
                    run + "-model-events", run + "-dlq", run + "-features");
            SatstreamTopics.ensure(servers, topics, settings.parallelism());
            try (EmbeddedFlink flink = EmbeddedFlink.start(0, Math.max(2, settings.parallelism()),
                    workDir.ensure("flink-tmp"))) {
                return measure(servers, run, topics, flink, models, base, pool);
            }
        } finally {
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    private List<Tile> generate() {
        List<Tile> out = new ArrayList<>(TILE_POOL);
        try (SyntheticFeed feed = new SyntheticFeed("bench-swap", 11L, settings.tileSize(), TILE_POOL)) {
            while (out.size() < TILE_POOL) {
                out.add(feed.next().orElseThrow(() -> new IllegalStateException("synthetic feed ran dry")));
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot generate tiles: " + e.getMessage(), e);
        }
        return out;
    }

    /** What the reader has seen so far, for the run's own pacing (the numbers come from {@link Out}s afterwards). */
    private static final class Seen {
        final ConcurrentLinkedQueue<Out> records = new ConcurrentLinkedQueue<>();
        final Set<String> ids = ConcurrentHashMap.newKeySet();
        final Map<Integer, Long> generation = new ConcurrentHashMap<>();

        void onRecord(ConsumerRecord<byte[], byte[]> r, boolean rejected) {
            String id = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
            Out out;
            if (rejected) {
                out = new Out(id, true, r.timestamp(), -1, -1, "");
            } else {
                int subtask = (int) number(header(r, Headers.MODEL_SUBTASK));
                long generation = number(header(r, Headers.MODEL_GENERATION));
                out = new Out(id, false, r.timestamp(), subtask, generation, header(r, Headers.MODEL_VERSION));
                this.generation.merge(subtask, generation, Math::max);
            }
            records.add(out);
            ids.add(id);
        }

        /**
         * Tiles a second the job segmented of {@code ids}, sent at once: by the CreateTimes of their segmentations,
         * the tiles after the first over the time from the first to the last.
         */
        double capacity(Set<String> ids) {
            long[] at = records.stream().filter(o -> !o.rejected() && ids.contains(o.tileId()))
                    .mapToLong(Out::timestamp).sorted().toArray();
            if (at.length < 2 || at[at.length - 1] == at[0]) {
                return Double.NaN;
            }
            return (at.length - 1) * 1000.0 / (at[at.length - 1] - at[0]);
        }

        /** Whether each of the {@code subtasks} has committed output of generation {@code g} or later. */
        boolean allAt(long g, int subtasks) {
            for (int s = 0; s < subtasks; s++) {
                if (generation.getOrDefault(s, -1L) < g) {
                    return false;
                }
            }
            return true;
        }

        private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
            Header h = r.headers().lastHeader(name);
            return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
        }

        private static long number(String s) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }

    /**
     * Produces renamed tiles from the pool: at once ({@link #send}), or paced at a rate on its own thread until
     * stopped. Remembers every tile it sent.
     */
    private final class Feed implements Runnable {
        private final TileProducer producer;
        private final List<Tile> pool;
        private final List<String> ids = new ArrayList<>();
        private final List<Future<RecordMetadata>> acks = new ArrayList<>();
        private final Thread thread = new Thread(this, "bench-swap-feed");
        private volatile boolean running = true;
        private volatile Exception failure;
        private volatile int count;
        private volatile int paced;
        private double rate;
        private long startNanos;
        private long startMillis;
        private long stopNanos;

        Feed(TileProducer producer, List<Tile> pool) {
            this.producer = producer;
            this.pool = pool;
            thread.setDaemon(true);
        }

        /** Sends the next tile now; returns its id. */
        synchronized String send() {
            int i = ids.size();
            String id = String.format("swap-%07d", i);
            Tile t = pool.get(i % pool.size());
            Tile tile = Tile.newBuilder(t).setTileId(id).setSceneId(id).setIngestedAt(Instant.now()).build();
            acks.add(producer.send(tile));
            ids.add(id);
            count = ids.size();
            return id;
        }

        /** Starts sending {@code tilesPerSecond} tiles a second on the feed's thread. */
        void startPaced(double tilesPerSecond) {
            rate = tilesPerSecond;
            startMillis = System.currentTimeMillis();
            startNanos = System.nanoTime();
            thread.start();
        }

        @Override
        public void run() {
            try {
                for (int i = 0; running; i++) {
                    long due = startNanos + (long) (i * 1e9 / rate);
                    long wait;
                    while (running && (wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(Math.min(wait, 5_000_000L));
                    }
                    if (!running) {
                        break;
                    }
                    send();
                    paced = i + 1;
                }
            } catch (Exception e) {
                failure = e;
            }
        }

        int count() {
            return count;
        }

        /** When the paced feed started (epoch ms). */
        long startMillis() {
            return startMillis;
        }

        void check() {
            if (failure != null) {
                throw new IllegalStateException("the tile feed failed: " + failure.getMessage(), failure);
            }
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
            stopNanos = System.nanoTime();
            producer.flush();
            check();
        }

        /** Tiles a second the paced feed sent. */
        double achievedRate() {
            return paced / ((stopNanos - startNanos) / 1e9);
        }

        /** Each tile with the CreateTime the broker acknowledged for it. */
        synchronized List<Sent> sent() throws InterruptedException {
            List<Sent> out = new ArrayList<>(ids.size());
            for (int i = 0; i < ids.size(); i++) {
                try {
                    out.add(new Sent(ids.get(i), acks.get(i).get().timestamp()));
                } catch (ExecutionException e) {
                    throw new IllegalStateException("tile " + ids.get(i) + " was not produced: "
                            + e.getCause().getMessage(), e.getCause());
                }
            }
            return out;
        }
    }

    private Result measure(String servers, String run, SatstreamTopics.Names topics, EmbeddedFlink flink,
            SwapBenchModels.Pair models, ModelManifest base, List<Tile> pool) throws Exception {
        int p = settings.parallelism();
        SegmentationJobConfig cfg = SegmentationJobConfig.builder()
                .bootstrapServers(servers)
                .tilesTopic(topics.tiles())
                .segmentationsTopic(topics.segmentations())
                .dlqTopic(topics.tilesDlq())
                .featuresTopic(topics.segmentationFeatures())
                .modelEventsTopic(topics.modelEvents())
                .groupId(run)
                .transactionalIdPrefix(run)
                .modelStoreDir(models.store().root().toString())
                .modelName(MODEL)
                .runtime("onnxruntime")
                .intraOpThreads(settings.threads())
                .batchMaxSize(settings.batchSize())
                .checkpointInterval(settings.checkpointInterval())
                .parallelism(p)
                .build();
        Seen seen = new Seen();
        JobClient job = flink.submit("bench-swap", env -> {
            SegmentationJob.configureEnvironment(env, cfg);
            SegmentationJob.build(env, cfg);
        });
        progress.println(String.format(Locale.ROOT, "job running: parallelism %d, %s serving %dx%d tiles", p,
                models.first().ref(), settings.tileSize(), settings.tileSize()));
        List<Swap> swaps = new ArrayList<>();
        long steadyFrom;
        double capacity;
        double rate;
        Feed feed;
        try (ModelEventPublisher publisher = ModelEventPublisher.connect(servers, topics.modelEvents(),
                        Duration.ofSeconds(30));
                TileProducer producer = new TileProducer(servers, topics.tiles());
                CommittedOutputMonitor monitor = new CommittedOutputMonitor(servers, topics.segmentations(),
                        topics.tilesDlq(), (r, rejected, at) -> seen.onRecord(r, rejected)).start()) {
            feed = new Feed(producer, pool);
            Watch watch = new Watch(job, feed, seen, p);

            // warm-up: job start, model load, JIT; then a burst to measure what the job sustains. Their tiles are
            // counted for lost/duplicated, not timed.
            Set<String> warm = sendNow(feed, producer, WARM_BATCHES * settings.batchSize() * p);
            watch.until("warm-up: waiting for every subtask's first output", START_TIMEOUT,
                    () -> seen.ids.containsAll(warm) && seen.allAt(0, p));
            Set<String> burst = sendNow(feed, producer, settings.calibrationTiles());
            watch.until("measuring capacity: " + burst.size() + " tiles at once", START_TIMEOUT,
                    () -> seen.ids.containsAll(burst));
            capacity = seen.capacity(burst);
            rate = settings.rate() != null ? settings.rate() : AUTO_RATE_FRACTION * capacity;
            if (!(rate > 0) || Double.isInfinite(rate)) {
                throw new IllegalStateException("cannot pace the feed: measured capacity " + capacity
                        + " tiles/s; give --rate");
            }
            progress.println(String.format(Locale.ROOT, "capacity: %.1f tiles/s (%d tiles at once); feeding %.1f"
                    + " tiles/s%s", capacity, burst.size(), rate, settings.rate() != null ? ""
                    : String.format(Locale.ROOT, " (%.0f %% of it)", AUTO_RATE_FRACTION * 100)));
            feed.startPaced(rate);
            watch.sleep("warm-up", settings.warmup());
            steadyFrom = System.currentTimeMillis();
            progress.println("steady phase: " + settings.steady().toMillis() / 1000.0 + " s");
            watch.sleep("steady", settings.steady());

            long lastPublish = 0;
            for (int k = 1; k <= settings.swaps(); k++) {
                if (k > 1) {
                    int previous = k - 1;
                    watch.sleepUntil("swap " + previous + "/" + settings.swaps(), lastPublish + settings.every().toNanos());
                    watch.until("swap " + previous + "/" + settings.swaps() + ": waiting for every subtask to serve it",
                            SWITCH_TIMEOUT, () -> seen.allAt(previous, p));
                }
                boolean toSecond = k % 2 == 1;
                ModelManifest to = toSecond ? models.second() : models.first();
                ModelManifest from = toSecond ? models.first() : models.second();
                models.store().promote(MODEL, to.version());
                RecordMetadata md = publisher.publish(ModelEvents.of(models.store(), to, ModelEventType.PROMOTED,
                        "bench swap " + k + "/" + settings.swaps(), PUBLISHER, Clock.systemUTC()));
                lastPublish = System.nanoTime();
                swaps.add(new Swap(k, from.ref(), to.ref(), md.timestamp()));
                progress.println("swap " + k + "/" + settings.swaps() + ": promoted " + to.ref() + " (was "
                        + from.ref() + ")");
            }
            int last = settings.swaps();
            watch.until("swap " + last + "/" + last + ": waiting for every subtask to serve it", SWITCH_TIMEOUT,
                    () -> seen.allAt(last, p));
            watch.sleepUntil("swap " + last + "/" + last, lastPublish + settings.window().toNanos());
            progress.println("steady phase: " + settings.steady().toMillis() / 1000.0 + " s");
            watch.sleep("steady", settings.steady());

            feed.stop();
            int sentCount = feed.count();
            progress.println("feed stopped after " + sentCount + " tiles; draining…");
            boolean drained = watch.poll("draining", DRAIN_TIMEOUT, () -> seen.ids.size() >= sentCount);
            if (!drained) {
                progress.println("not every tile came out within " + DRAIN_TIMEOUT.toSeconds() + " s");
            }
            // a duplicate from a late commit would show by now
            watch.sleep("checking for duplicates", Duration.ofMillis(Math.max(1000,
                    2 * settings.checkpointInterval().toMillis())));
        } finally {
            flink.cancel(job, Duration.ofSeconds(30));
        }

        Numbers n = SwapBenchAnalysis.analyse(feed.sent(), List.copyOf(seen.records), swaps, models.first().ref(),
                steadyFrom, settings.window().toMillis(), p);
        long feedStart = feed.startMillis();
        List<SwapDetail> details = new ArrayList<>();
        for (SwapNumbers s : n.swaps()) {
            Map<String, Long> perSubtask = new LinkedHashMap<>();
            new TreeMap<>(s.subtaskSwitchMs()).forEach((k, v) -> perSubtask.put(Integer.toString(k), v));
            details.add(new SwapDetail(s.swap().index(), s.swap().from(), s.swap().to(),
                    s.swap().publishedAt() - feedStart, s.promoteToSwitchMs(), perSubtask, s.windowTiles(),
                    round(s.windowP50Ms()), round(s.windowP99Ms()),
                    s.slowest() == null ? Double.NaN : round(s.slowest().latencyMs()),
                    s.slowest() == null ? -1 : s.slowest().producedAfterPromoteMs(),
                    s.slowest() == null ? -1 : s.slowest().generation()));
        }
        double ratio = n.swapP99() / n.steadyP99();
        return new Result(round(n.steadyP99()), round(n.swapP99()), n.promoteToSwitchMax(), n.lost(), n.duplicated(),
                round(n.steadyP50()), round(n.swapP50()), Math.round(ratio * 1000) / 1000.0,
                round(n.promoteToSwitchMedian()), swaps.size(), n.sent(), round(rate), round(feed.achievedRate()),
                settings.rate() == null, round(capacity),
                p, "onnxruntime", cpuName(), Runtime.getRuntime().availableProcessors(),
                List.of(models.first().ref(), models.second().ref()), models.secondKind(), models.secondHow(),
                base.ref() + " of " + workDir.path().resolve("models") + " (sha256 "
                        + base.files().get(ModelManifest.MODEL_FILE).substring(0, 12) + "…)",
                settings.tileSize(), settings.batchSize(), settings.threads(), settings.checkpointInterval().toMillis(),
                settings.every().toMillis(), settings.window().toMillis(), n.steadyMs().length, n.swapMs().length,
                n.warmupTiles(), n.rejected(), n.unexpected(), n.versionMismatches(), details, Instant.now().toString());
    }

    private static Set<String> sendNow(Feed feed, TileProducer producer, int n) {
        Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            ids.add(feed.send());
        }
        producer.flush();
        return ids;
    }

    /** Waits of the timeline: each keeps the status line current and stops when the job or the feed failed. */
    private final class Watch {
        private final JobClient job;
        private final Feed feed;
        private final Seen seen;
        private final int subtasks;

        Watch(JobClient job, Feed feed, Seen seen, int subtasks) {
            this.job = job;
            this.feed = feed;
            this.seen = seen;
            this.subtasks = subtasks;
        }

        void until(String phase, Duration timeout, java.util.function.BooleanSupplier done) throws Exception {
            if (!poll(phase, timeout, done)) {
                throw new IllegalStateException(phase + ": not done within " + timeout.toSeconds() + " s ("
                        + status() + ")");
            }
        }

        /** Whether {@code done} came true within {@code timeout}. */
        boolean poll(String phase, Duration timeout, java.util.function.BooleanSupplier done) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                tick(phase);
            }
            return true;
        }

        void sleep(String phase, Duration d) throws Exception {
            sleepUntil(phase, System.nanoTime() + d.toNanos());
        }

        void sleepUntil(String phase, long nanos) throws Exception {
            while (System.nanoTime() < nanos) {
                tick(phase);
            }
        }

        private void tick(String phase) throws Exception {
            if (job.getJobStatus().get().isGloballyTerminalState()) {
                throw new IllegalStateException("the benchmark job ended: " + job.getJobStatus().get());
            }
            feed.check();
            progress.update(phase + ": " + status());
            Thread.sleep(50);
        }

        private String status() {
            Map<Integer, Long> generations = new TreeMap<>(seen.generation);
            return "sent " + feed.count() + ", out " + seen.ids.size() + ", generation by subtask " + generations
                    + " of " + subtasks;
        }
    }

    private static String cpuName() {
        try {
            String name = CpuInfo.current().modelName();
            return name == null || name.isBlank() ? "unknown" : name;
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    private static double round(double v) {
        return Double.isNaN(v) ? v : Math.round(v * 10) / 10.0;
    }
}
