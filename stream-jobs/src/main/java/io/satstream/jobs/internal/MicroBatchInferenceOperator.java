package io.satstream.jobs.internal;

import io.satstream.inference.RuntimeOptions;
import io.satstream.jobs.TileRejectedException;
import io.satstream.jobs.records.DecodedTile;
import io.satstream.jobs.records.RejectedRecord;
import io.satstream.jobs.records.SegmentationRecord;
import io.satstream.modelstore.ModelStore;
import io.satstream.modelstore.events.ModelEvents;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.InputLimits;
import io.satstream.schemas.ModelEvent;
import io.satstream.schemas.Segmentation;
import io.satstream.schemas.Tile;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects decoded tiles (input 1) into micro-batches (flushed at {@code maxBatchSize} tiles, after
 * {@code maxWaitMillis} from the first tile of a batch, when a tile of another size arrives, or before its
 * tensors would pass {@code maxBatchBytes}) and segments each batch with the serving model; follows the
 * {@code model-events} of its model (input 2, broadcast to every subtask) to swap that model while tiles flow.
 *
 * <p>Exactly-once: tiles waiting in the buffer are part of the operator state, so a checkpoint taken
 * while a batch is open restores those tiles (the source offsets already lie past them). Tiles whose
 * bands or sample values do not fit the model, or whose tensors alone pass {@code maxBatchBytes}, go to the DLQ
 * side output with stage {@code model-input}; a tile the model answers with NaN goes there with stage
 * {@code inference}.
 *
 * <p>Post-processing (argmax, confidence, Avro encoding) of batch k runs on a helper thread while the
 * task thread already feeds batch k+1 to the runtime, so the runtime is never idle waiting for it.
 * Finished batches are emitted from the task thread (mailbox), in order; before every checkpoint
 * barrier all batches in flight are finished and emitted, so a checkpoint never covers a tile whose
 * output is still pending.
 *
 * <p>Hot swap: a PROMOTED or ROLLED_BACK event makes a loader thread fetch, verify, check and warm up the version
 * ({@link VersionLoader}) in a second runtime instance while tiles keep flowing through the serving one; the switch
 * happens on the task thread between two batches, and the old instance closes once the last batch it inferred has
 * been post-processed. A refused version leaves the serving one in place and is logged, counted
 * ({@code modelRefusals}, label {@code reason}) and announced as a REJECTED event (side output {@code eventsTag}).
 * Tiles wait for a load only when {@code maxModelLagMillis} is positive and the load has taken longer than that.
 * The serving version, the switch count and a pending promotion are operator state ({@link ServingState}): a
 * restored subtask serves what its checkpoint says and then follows the events after it; a fresh one starts from
 * the store's {@code serving.json} and applies only the events written after it last changed. Every output record
 * names the version, subtask and switch count that produced it.
 */
public final class MicroBatchInferenceOperator extends AbstractStreamOperator<SegmentationRecord>
        implements TwoInputStreamOperator<DecodedTile, byte[], SegmentationRecord>, BoundedMultiInput {
    private static final long serialVersionUID = 1L;
    /** Our own logger, not Flink's inherited one: the application logs io.satstream at INFO, Flink at WARN. */
    private static final Logger LOG = LoggerFactory.getLogger(MicroBatchInferenceOperator.class);

    private final String modelStoreDir;
    private final String modelName;
    private final String runtimeKind;
    private final int intraOpThreads;
    private final int interOpThreads;
    private final int maxBatchSize;
    private final long maxWaitMillis;
    private final long maxBatchBytes;
    private final OutputTag<RejectedRecord> dlqTag;
    private final OutputTag<byte[]> eventsTag;
    private final long maxModelLagMillis;

    private transient ServingModel model;
    private transient ModelEvent servingEvent;
    private transient long generation;
    private transient long eventsAfterMillis;
    private transient ModelEvent pending;
    private transient long pendingSinceNanos;
    private transient ModelEvent loadingEvent;
    private transient CompletableFuture<ServingModel> loading;
    private transient List<ServingModel> retiring;
    private transient ServingState restoredServing;
    private transient ListState<ServingState> servingState;
    private transient ExecutorService loader;
    private transient VersionLoader versionLoader;
    private transient AvroCodec<ModelEvent> eventCodec;
    private transient int lastWidth;
    private transient int lastHeight;
    /** Sizes of the latest batches: a new version warms up with the largest of them. */
    private transient int[] recentBatchSizes;
    /** Set at a switch: the next batch's inference time is logged, the first the new version serves. */
    private transient boolean firstBatchAfterSwitch;
    private transient int recentBatchIndex;
    private transient int subtask;
    private transient Counter tilesIn;
    private transient Counter swaps;
    private transient Histogram swapMillis;
    private transient Histogram batchSizes;
    private transient Histogram inferenceMillis;
    private transient Map<String, Counter> refusals;
    private transient Map<String, Counter> toDlq;
    private transient AvroCodec<Tile> tileCodec;
    private transient AvroCodec<Segmentation> segmentationCodec;
    private transient List<DecodedTile> buffer;
    private transient long bufferShape;
    private transient long bufferBytes;
    private transient long timerFor;
    private transient ListState<DecodedTile> bufferState;
    private transient Counter segmented;
    private transient Counter rejected;
    private transient Counter batches;
    private transient ExecutorService postProcessor;
    private transient ArrayDeque<PendingBatch> inFlight;
    private transient MailboxExecutor mailbox;

    /** Batches whose post-processing may run ahead of emission; more waits (backpressure). */
    static final int MAX_BATCHES_IN_FLIGHT = 2;

    /** Batches whose sizes choose the warm-up's. */
    private static final int RECENT_BATCHES = 32;
    /** Samples kept by each histogram metric. */
    private static final int HISTOGRAM_WINDOW = 1_000;

    /** One batch being post-processed: its output records, in tile order, once done, and the model it used. */
    private record PendingBatch(CompletableFuture<List<SegmentationRecord>> records, int size, ServingModel model) {}

    public MicroBatchInferenceOperator(String modelStoreDir, String modelName, String runtimeKind, int intraOpThreads,
            int interOpThreads, int maxBatchSize, long maxWaitMillis, long maxBatchBytes,
            OutputTag<RejectedRecord> dlqTag, OutputTag<byte[]> eventsTag, long maxModelLagMillis) {
        this.modelStoreDir = modelStoreDir;
        this.modelName = modelName;
        this.runtimeKind = runtimeKind;
        this.intraOpThreads = intraOpThreads;
        this.interOpThreads = interOpThreads;
        this.maxBatchSize = maxBatchSize;
        this.maxWaitMillis = maxWaitMillis;
        this.maxBatchBytes = maxBatchBytes;
        this.dlqTag = dlqTag;
        this.eventsTag = eventsTag;
        this.maxModelLagMillis = maxModelLagMillis;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        bufferState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("pending-tiles", TypeInformation.of(DecodedTile.class)));
        servingState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("serving-model", TypeInformation.of(ServingState.class)));
        buffer = new ArrayList<>();
        restoredServing = null;
        if (context.isRestored()) {
            for (DecodedTile t : bufferState.get()) {
                buffer.add(t);
            }
            // One entry per subtask; after a rescale a subtask may get several (or none): the most switched one wins.
            for (ServingState s : servingState.get()) {
                if (restoredServing == null || s.generation > restoredServing.generation) {
                    restoredServing = s;
                }
            }
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        tileCodec = AvroCodec.tile();
        segmentationCodec = AvroCodec.segmentation();
        eventCodec = AvroCodec.modelEvent();
        subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        RuntimeOptions options = new RuntimeOptions(intraOpThreads, interOpThreads);
        versionLoader = new VersionLoader(runtimeKind, options);
        retiring = new ArrayList<>();
        if (restoredServing != null) {
            restoreServing(restoredServing, options);
        } else {
            model = ServingModel.loadServing(Path.of(modelStoreDir), modelName, runtimeKind, options);
            generation = 0;
            eventsAfterMillis = ModelStore.open(Path.of(modelStoreDir)).servingChangedAt(modelName)
                    .map(java.time.Instant::toEpochMilli).orElse(Long.MIN_VALUE);
        }
        lastWidth = model.spec().tileSize();
        lastHeight = model.spec().tileSize();
        recentBatchSizes = new int[RECENT_BATCHES];
        LOG.info("subtask {} serving {} (switch {}) on {} (batch <= {}, wait <= {} ms)", subtask, model.ref(),
                generation, model.runtime().name(), maxBatchSize, maxWaitMillis);
        registerMetrics();
        inFlight = new ArrayDeque<>();
        mailbox = getContainingTask().getMailboxExecutorFactory().createExecutor(getOperatorConfig().getChainIndex());
        postProcessor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "segmentation-postprocess-" + subtask);
            t.setDaemon(true);
            return t;
        });
        loader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "model-loader-" + subtask);
            t.setDaemon(true);
            return t;
        });
        if (pending != null) {
            // A promotion that was loading at the checkpoint: its event lies before the restored offsets.
            pendingSinceNanos = System.nanoTime();
            startLoadIfIdle();
        }
        // Tiles restored from a checkpoint: regroup them and schedule their flush.
        List<DecodedTile> restored = new ArrayList<>(buffer);
        buffer.clear();
        for (DecodedTile t : restored) {
            add(t);
        }
    }

    private void restoreServing(ServingState state, RuntimeOptions options) {
        generation = state.generation;
        eventsAfterMillis = state.eventsAfterMillis;
        pending = state.pendingEvent == null ? null : eventCodec.decode(state.pendingEvent);
        if (state.servingEvent == null) {
            model = ServingModel.load(ModelStore.open(Path.of(modelStoreDir)), modelName, state.version, runtimeKind,
                    options);
            return;
        }
        servingEvent = eventCodec.decode(state.servingEvent);
        try {
            model = versionLoader.reopen(servingEvent);
        } catch (ModelRefusedException e) {
            // Serving anything else would silently change what the checkpoint says produced the output.
            throw new IllegalStateException("subtask " + subtask + " restored from a checkpoint that serves "
                    + modelName + "@" + state.version + " but cannot load it again: " + e.getMessage(), e);
        }
    }

    private void registerMetrics() {
        tilesIn = getMetricGroup().counter("tilesIn");
        segmented = getMetricGroup().counter("tilesSegmented");
        rejected = getMetricGroup().counter("tilesRejected");
        batches = getMetricGroup().counter("batches");
        swaps = getMetricGroup().counter("modelSwaps");
        swapMillis = getMetricGroup().histogram("modelSwapMillis", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        batchSizes = getMetricGroup().histogram("batchSize", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        inferenceMillis = getMetricGroup().histogram("inferenceMillis",
                new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        getMetricGroup().gauge("servingModelVersion", () -> model == null ? -1 : model.ref().version());
        getMetricGroup().gauge("modelGeneration", () -> generation);
        refusals = new HashMap<>();
        for (String reason : ModelEvents.REASONS) {
            refusals.put(reason, getMetricGroup().addGroup("reason", reason).counter("modelRefusals"));
        }
        toDlq = new HashMap<>();
        for (String stage : List.of(TileRejectedException.STAGE_MODEL_INPUT, TileRejectedException.STAGE_INFERENCE)) {
            toDlq.put(stage, getMetricGroup().addGroup("stage", stage).counter("tilesToDlq"));
        }
    }

    @Override
    public void processElement1(StreamRecord<DecodedTile> element) throws Exception {
        tilesIn.inc();
        DecodedTile decoded = element.getValue();
        Tile tile = decoded.tile(tileCodec);
        try {
            BatchSegmenter.checkFits(tile, decoded.valid, model);
            long bytes = BatchSegmenter.tensorBytes(tile, model);
            if (bytes > maxBatchBytes) {
                throw new TileRejectedException(TileRejectedException.STAGE_MODEL_INPUT, "a " + tile.getWidth() + "x"
                        + tile.getHeight() + " tile needs " + InputLimits.humanBytes(bytes) + " of inference tensors for model "
                        + model.ref() + ", more than the per-batch limit of " + InputLimits.humanBytes(maxBatchBytes));
            }
        } catch (TileRejectedException e) {
            rejected.inc();
            toDlq.get(e.stage()).inc();
            output.collect(dlqTag, new StreamRecord<>(
                    new RejectedRecord(decoded.originalKey, decoded.originalValue, e.getMessage(), e.stage())));
            return;
        }
        add(decoded);
    }

    @Override
    public void processElement2(StreamRecord<byte[]> element) {
        ModelEvent event;
        try {
            event = eventCodec.decode(element.getValue());
        } catch (RuntimeException e) {
            LOG.warn("subtask {} skips a malformed model event: {}", subtask, e.getMessage());
            return;
        }
        if (!modelName.equals(event.getModelName()) || !ModelEvents.changesServing(event)) {
            return;
        }
        if (event.getCreatedAt().toEpochMilli() <= eventsAfterMillis) {
            LOG.info("subtask {} skips {} of {}@{}: written before the serving version it started from last changed",
                    subtask, event.getType(), modelName, event.getVersion());
            return;
        }
        if (event.getVersion() == model.ref().version()) {
            if (pending != null) {
                LOG.info("subtask {}: {} of {} before {} went live; staying with {}", subtask, event.getType(),
                        model.ref(), ModelEvents.ref(pending), model.ref());
                pending = null;
            }
            return;
        }
        if (pending != null && pending.getVersion() == event.getVersion()) {
            return; // the same version again (a republished event): its load is already under way
        }
        LOG.info("subtask {}: {} {}; loading it beside {}", subtask, event.getType(), ModelEvents.ref(event), model.ref());
        pending = event;
        pendingSinceNanos = System.nanoTime();
        startLoadIfIdle();
    }

    /** Starts loading the pending version unless a load is running (its end starts the next one). */
    private void startLoadIfIdle() {
        if (loading != null || pending == null) {
            return;
        }
        ModelEvent target = pending;
        ServingModel serving = model;
        int w = lastWidth;
        int h = lastHeight;
        int batch = warmUpBatch(serving, w, h);
        loadingEvent = target;
        CompletableFuture<ServingModel> future = new CompletableFuture<>();
        loading = future;
        loader.execute(() -> {
            try {
                future.complete(versionLoader.load(target, serving, w, h, batch));
            } catch (Throwable e) {
                future.completeExceptionally(e);
            }
        });
        future.whenComplete((m, e) -> mailbox.execute(this::onLoadDone, "model version loaded"));
    }

    /**
     * The warm-up's size: the largest of the latest batches (what the stream runs now; a slow stream's batches are
     * small, and warming up a full batch would only compete with it for the CPU), at least 1, within the byte limit.
     */
    private int warmUpBatch(ServingModel serving, int w, int h) {
        int largest = 1;
        for (int size : recentBatchSizes) {
            largest = Math.max(largest, size);
        }
        long perTile = BatchSegmenter.tensorBytes(w, h, serving);
        return (int) Math.max(1, Math.min(largest, maxBatchBytes / Math.max(1, perTile)));
    }

    /** On the task thread, between batches: switches to a loaded version, or reports its refusal. */
    private void onLoadDone() {
        if (loading == null || !loading.isDone()) {
            return; // already handled (a lagging flush waited for it)
        }
        CompletableFuture<ServingModel> done = loading;
        ModelEvent event = loadingEvent;
        loading = null;
        loadingEvent = null;
        ServingModel loaded;
        try {
            loaded = done.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            ModelRefusedException refused = cause instanceof ModelRefusedException r ? r
                    : new ModelRefusedException(ModelEvents.REASON_LOAD, "loading " + ModelEvents.ref(event) + " failed: "
                            + cause, cause);
            refuse(event, refused);
            startLoadIfIdle();
            return;
        }
        if (pending != event) {
            // Superseded by a later event (or a rollback to the serving version) while it loaded.
            loaded.close();
            startLoadIfIdle();
            return;
        }
        pending = null;
        switchTo(loaded, event);
    }

    private void switchTo(ServingModel next, ModelEvent event) {
        ServingModel previous = model;
        model = next;
        servingEvent = event;
        generation++;
        long millis = (System.nanoTime() - pendingSinceNanos) / 1_000_000;
        swaps.inc();
        swapMillis.update(millis);
        LOG.info("subtask {} now serves {} (was {}; switch {}), {} ms after the {} event", subtask, next.ref(),
                previous.ref(), generation, millis, event.getType());
        retiring.add(previous);
        closeRetired();
        firstBatchAfterSwitch = true;
    }

    private void refuse(ModelEvent event, ModelRefusedException refused) {
        if (pending == event) {
            pending = null;
        }
        refusals.get(refused.reason()).inc();
        LOG.warn("subtask {} refused {} ({}): {}; {} keeps serving", subtask, ModelEvents.ref(event), refused.reason(),
                refused.getMessage(), model.ref());
        ModelEvent rejected = ModelEvents.rejected(event, refused.reason(), refused.getMessage(), subtask,
                "satstream-segmentation/" + subtask, Clock.systemUTC());
        output.collect(eventsTag, new StreamRecord<>(eventCodec.encode(rejected)));
    }

    /** Closes replaced runtimes once no batch in flight still needs them. */
    private void closeRetired() {
        for (Iterator<ServingModel> it = retiring.iterator(); it.hasNext(); ) {
            ServingModel old = it.next();
            boolean inUse = false;
            for (PendingBatch b : inFlight) {
                inUse |= b.model() == old;
            }
            if (!inUse) {
                old.close();
                it.remove();
            }
        }
    }

    /** With a maximum model lag, tiles wait for a promotion that has been loading longer than that. */
    private void awaitLaggingLoad() {
        while (maxModelLagMillis > 0 && pending != null
                && (System.nanoTime() - pendingSinceNanos) / 1_000_000 >= maxModelLagMillis) {
            startLoadIfIdle();
            try {
                loading.get();
            } catch (ExecutionException e) {
                // reported by onLoadDone
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            onLoadDone();
        }
    }

    private void add(DecodedTile decoded) {
        Tile tile = decoded.tile(tileCodec);
        long shape = BatchSegmenter.shapeKey(tile);
        long bytes = BatchSegmenter.tensorBytes(tile, model);
        lastWidth = tile.getWidth();
        lastHeight = tile.getHeight();
        if (!buffer.isEmpty() && (shape != bufferShape || bufferBytes + bytes > maxBatchBytes)) {
            flush();
        }
        if (buffer.isEmpty()) {
            bufferShape = shape;
            bufferBytes = 0;
            scheduleFlush();
        }
        buffer.add(decoded);
        bufferBytes += bytes;
        if (buffer.size() >= maxBatchSize) {
            flush();
        }
    }

    private void scheduleFlush() {
        long deadline = getProcessingTimeService().getCurrentProcessingTime() + maxWaitMillis;
        timerFor = deadline;
        getProcessingTimeService().registerTimer(deadline, this::onDeadline);
    }

    private void onDeadline(long timestamp) {
        // A timer left over from a batch that was already flushed by size does nothing.
        if (timestamp == timerFor && !buffer.isEmpty()) {
            flush();
        }
    }

    private void flush() {
        if (buffer.isEmpty()) {
            return;
        }
        awaitLaggingLoad();
        List<DecodedTile> batch = new ArrayList<>(buffer);
        buffer.clear();
        timerFor = Long.MIN_VALUE;
        BatchSegmenter.InferredBatch inferred;
        try {
            inferred = BatchSegmenter.infer(model, tilesOf(batch), validOf(batch));
        } catch (RuntimeException e) {
            if (batch.size() == 1) {
                reject(batch.get(0), e);
                return;
            }
            // One bad tile must not take its batch (or the job, in a restart loop) down: retry one by one.
            LOG.warn("a batch of {} tiles failed ({}); retrying them one at a time", batch.size(), e.toString());
            for (DecodedTile t : batch) {
                buffer.add(t);
                flush();
            }
            return;
        }
        batchSizes.update(batch.size());
        if (firstBatchAfterSwitch) {
            firstBatchAfterSwitch = false;
            LOG.info("subtask {}: first batch on {}: {} tiles of {}x{} (padded) in {} ms", subtask, model.ref(),
                    batch.size(), inferred.paddedWidth(), inferred.paddedHeight(), inferred.inferenceMicros() / 1_000);
        }
        recentBatchSizes[recentBatchIndex++ % RECENT_BATCHES] = batch.size();
        inferenceMillis.update(inferred.inferenceMicros() / 1_000);
        submitPostProcessing(batch, inferred);
    }

    private List<Tile> tilesOf(List<DecodedTile> batch) {
        List<Tile> tiles = new ArrayList<>(batch.size());
        for (DecodedTile t : batch) {
            tiles.add(t.tile(tileCodec));
        }
        return tiles;
    }

    private static List<byte[]> validOf(List<DecodedTile> batch) {
        List<byte[]> valid = new ArrayList<>(batch.size());
        for (DecodedTile t : batch) {
            valid.add(t.valid);
        }
        return valid;
    }

    private void reject(DecodedTile tile, RuntimeException e) {
        rejected.inc();
        toDlq.get(TileRejectedException.STAGE_INFERENCE).inc();
        output.collect(dlqTag, new StreamRecord<>(new RejectedRecord(tile.originalKey, tile.originalValue,
                "inference failed: " + e.getMessage(), TileRejectedException.STAGE_INFERENCE)));
    }

    private void submitPostProcessing(List<DecodedTile> batch, BatchSegmenter.InferredBatch inferred) {
        long[] decodeMicros = new long[batch.size()];
        List<String> ids = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            decodeMicros[i] = batch.get(i).decodeMicros;
            ids.add(batch.get(i).tileId);
        }
        String version = model.ref().toString();
        int sub = subtask;
        long gen = generation;
        CompletableFuture<List<SegmentationRecord>> records = CompletableFuture.supplyAsync(() -> {
            List<Segmentation> results = BatchSegmenter.postprocess(inferred, decodeMicros);
            List<SegmentationRecord> out = new ArrayList<>(results.size());
            for (int i = 0; i < results.size(); i++) {
                out.add(new SegmentationRecord(ids.get(i), segmentationCodec.encode(results.get(i)), version, sub,
                        gen));
            }
            return out;
        }, postProcessor);
        inFlight.addLast(new PendingBatch(records, batch.size(), inferred.model()));
        records.whenComplete((r, e) -> mailbox.execute(this::emitCompleted, "emit segmentations"));
        batches.inc();
        while (inFlight.size() > MAX_BATCHES_IN_FLIGHT) {
            emitHead();
        }
    }

    /** Emits every finished batch at the head of the queue (in order); runs on the task thread. */
    private void emitCompleted() {
        while (!inFlight.isEmpty() && inFlight.peekFirst().records().isDone()) {
            emitHead();
        }
    }

    /** Waits for the oldest batch in flight and emits it. */
    private void emitHead() {
        PendingBatch head = inFlight.pollFirst();
        List<SegmentationRecord> records;
        try {
            records = head.records().join();
        } catch (CompletionException e) {
            throw new IllegalStateException("post-processing a batch of " + head.size() + " tiles failed", e.getCause());
        }
        for (SegmentationRecord r : records) {
            output.collect(new StreamRecord<>(r));
        }
        segmented.inc(records.size());
        if (!retiring.isEmpty()) {
            closeRetired();
        }
    }

    private void emitAll() {
        while (!inFlight.isEmpty()) {
            emitHead();
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        // Output of every tile before the barrier must precede the barrier (and its transaction).
        emitAll();
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        bufferState.update(new ArrayList<>(buffer));
        servingState.update(List.of(new ServingState(model.ref().version(), generation,
                servingEvent == null ? null : eventCodec.encode(servingEvent),
                pending == null ? null : eventCodec.encode(pending), eventsAfterMillis)));
    }

    @Override
    public void endInput(int inputId) {
        if (inputId == 1) {
            flush();
            emitAll();
        }
    }

    /** {@code name@version} serving now (for tests). */
    String servingVersion() {
        return model.ref().toString();
    }

    /** Model switches so far (for tests). */
    long generation() {
        return generation;
    }

    /** Whether a version is being loaded (for tests). */
    boolean isLoading() {
        return loading != null;
    }

    /** Whether a promotion waits to go live (for tests). */
    boolean hasPendingVersion() {
        return pending != null;
    }

    @Override
    public void close() throws Exception {
        if (postProcessor != null) {
            postProcessor.shutdownNow();
            postProcessor = null;
        }
        if (loader != null) {
            loader.shutdownNow();
            loader = null;
        }
        if (loading != null) {
            // A version still loading when the task stops: close it once it is there.
            loading.thenAccept(ServingModel::close);
            loading = null;
        }
        if (retiring != null) {
            retiring.forEach(ServingModel::close);
            retiring.clear();
        }
        if (model != null) {
            model.close();
            model = null;
        }
        super.close();
    }
}
