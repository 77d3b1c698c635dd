package io.satstream.jobs.internal;

import io.satstream.jobs.TileRejectedException;
import io.satstream.jobs.records.DecodedTile;
import io.satstream.jobs.records.RejectedRecord;
import io.satstream.jobs.records.SegmentationRecord;
import io.satstream.models.RuntimeOptions;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.InputLimits;
import io.satstream.schemas.Segmentation;
import io.satstream.schemas.Tile;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Collects decoded tiles into micro-batches (flushed at {@code maxBatchSize} tiles, after
 * {@code maxWaitMillis} from the first tile of a batch, when a tile of another size arrives, or before its
 * tensors would pass {@code maxBatchBytes}) and segments each batch with the serving model.
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
 */
public final class MicroBatchInferenceOperator extends AbstractStreamOperator<SegmentationRecord>
        implements OneInputStreamOperator<DecodedTile, SegmentationRecord>, BoundedOneInput {
    private static final long serialVersionUID = 1L;

    private final String modelStoreDir;
    private final String modelName;
    private final String runtimeKind;
    private final int intraOpThreads;
    private final int interOpThreads;
    private final int maxBatchSize;
    private final long maxWaitMillis;
    private final long maxBatchBytes;
    private final OutputTag<RejectedRecord> dlqTag;

    private transient ServingModel model;
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

    /** One batch being post-processed: its output records, in tile order, once done. */
    private record PendingBatch(CompletableFuture<List<SegmentationRecord>> records, int size) {}

    public MicroBatchInferenceOperator(String modelStoreDir, String modelName, String runtimeKind, int intraOpThreads,
            int interOpThreads, int maxBatchSize, long maxWaitMillis, long maxBatchBytes,
            OutputTag<RejectedRecord> dlqTag) {
        this.modelStoreDir = modelStoreDir;
        this.modelName = modelName;
        this.runtimeKind = runtimeKind;
        this.intraOpThreads = intraOpThreads;
        this.interOpThreads = interOpThreads;
        this.maxBatchSize = maxBatchSize;
        this.maxWaitMillis = maxWaitMillis;
        this.maxBatchBytes = maxBatchBytes;
        this.dlqTag = dlqTag;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        bufferState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("pending-tiles", TypeInformation.of(DecodedTile.class)));
        buffer = new ArrayList<>();
        if (context.isRestored()) {
            for (DecodedTile t : bufferState.get()) {
                buffer.add(t);
            }
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        tileCodec = AvroCodec.tile();
        segmentationCodec = AvroCodec.segmentation();
        model = ServingModel.loadServing(Path.of(modelStoreDir), modelName, runtimeKind,
                new RuntimeOptions(intraOpThreads, interOpThreads));
        LOG.info("serving {} on {} (batch <= {}, wait <= {} ms)", model.ref(), model.runtime().name(), maxBatchSize,
                maxWaitMillis);
        segmented = getMetricGroup().counter("tilesSegmented");
        rejected = getMetricGroup().counter("tilesRejected");
        batches = getMetricGroup().counter("batches");
        inFlight = new ArrayDeque<>();
        mailbox = getContainingTask().getMailboxExecutorFactory().createExecutor(getOperatorConfig().getChainIndex());
        postProcessor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "segmentation-postprocess-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
            t.setDaemon(true);
            return t;
        });
        getMetricGroup().gauge("servingModelVersion", () -> model.ref().version());
        // Tiles restored from a checkpoint: regroup them and schedule their flush.
        List<DecodedTile> restored = new ArrayList<>(buffer);
        buffer.clear();
        for (DecodedTile t : restored) {
            add(t);
        }
    }

    @Override
    public void processElement(StreamRecord<DecodedTile> element) throws Exception {
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
            output.collect(dlqTag, new StreamRecord<>(
                    new RejectedRecord(decoded.originalKey, decoded.originalValue, e.getMessage(), e.stage())));
            return;
        }
        add(decoded);
    }

    private void add(DecodedTile decoded) {
        Tile tile = decoded.tile(tileCodec);
        long shape = BatchSegmenter.shapeKey(tile);
        long bytes = BatchSegmenter.tensorBytes(tile, model);
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
        CompletableFuture<List<SegmentationRecord>> records = CompletableFuture.supplyAsync(() -> {
            List<Segmentation> results = BatchSegmenter.postprocess(inferred, decodeMicros);
            List<SegmentationRecord> out = new ArrayList<>(results.size());
            for (int i = 0; i < results.size(); i++) {
                out.add(new SegmentationRecord(ids.get(i), segmentationCodec.encode(results.get(i)), version));
            }
            return out;
        }, postProcessor);
        inFlight.addLast(new PendingBatch(records, batch.size()));
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
    }

    @Override
    public void endInput() {
        flush();
        emitAll();
    }

    @Override
    public void close() throws Exception {
        if (postProcessor != null) {
            postProcessor.shutdownNow();
            postProcessor = null;
        }
        if (model != null) {
            model.close();
            model = null;
        }
        super.close();
    }
}
