package io.satstream.jobs.internal;

import io.satstream.jobs.TileRejectedException;
import io.satstream.jobs.records.DecodedTile;
import io.satstream.jobs.records.RejectedRecord;
import io.satstream.jobs.records.SegmentationRecord;
import io.satstream.models.RuntimeOptions;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.Segmentation;
import io.satstream.schemas.Tile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
 * {@code maxWaitMillis} from the first tile of a batch, or when a tile of another size arrives) and
 * segments each batch with the serving model.
 *
 * <p>Exactly-once: tiles waiting in the buffer are part of the operator state, so a checkpoint taken
 * while a batch is open restores those tiles (the source offsets already lie past them). Tiles whose
 * bands do not fit the model go to the DLQ side output with stage {@code model-input}.
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
    private final OutputTag<RejectedRecord> dlqTag;

    private transient ServingModel model;
    private transient AvroCodec<Tile> tileCodec;
    private transient AvroCodec<Segmentation> segmentationCodec;
    private transient List<DecodedTile> buffer;
    private transient long bufferShape;
    private transient long timerFor;
    private transient ListState<DecodedTile> bufferState;
    private transient Counter segmented;
    private transient Counter rejected;
    private transient Counter batches;

    public MicroBatchInferenceOperator(String modelStoreDir, String modelName, String runtimeKind, int intraOpThreads,
            int interOpThreads, int maxBatchSize, long maxWaitMillis, OutputTag<RejectedRecord> dlqTag) {
        this.modelStoreDir = modelStoreDir;
        this.modelName = modelName;
        this.runtimeKind = runtimeKind;
        this.intraOpThreads = intraOpThreads;
        this.interOpThreads = interOpThreads;
        this.maxBatchSize = maxBatchSize;
        this.maxWaitMillis = maxWaitMillis;
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
        rejected = getMetricGroup().counter("tilesRejectedModelInput");
        batches = getMetricGroup().counter("batches");
        getMetricGroup().gauge("servingModelVersion", () -> model.ref().version());
        // Tiles restored from a checkpoint: regroup them and schedule their flush.
        List<DecodedTile> restored = new ArrayList<>(buffer);
        buffer.clear();
        for (DecodedTile t : restored) {
            add(t);
        }
        if (!buffer.isEmpty()) {
            scheduleFlush();
        }
    }

    @Override
    public void processElement(StreamRecord<DecodedTile> element) throws Exception {
        DecodedTile decoded = element.getValue();
        Tile tile = decoded.tile(tileCodec);
        try {
            BatchSegmenter.checkFits(tile, model);
        } catch (TileRejectedException e) {
            rejected.inc();
            output.collect(dlqTag, new StreamRecord<>(
                    new RejectedRecord(decoded.originalKey, decoded.originalValue, e.getMessage(), e.stage())));
            return;
        }
        add(decoded);
    }

    private void add(DecodedTile decoded) {
        long shape = BatchSegmenter.shapeKey(decoded.tile(tileCodec));
        if (!buffer.isEmpty() && shape != bufferShape) {
            flush();
        }
        if (buffer.isEmpty()) {
            bufferShape = shape;
            scheduleFlush();
        }
        buffer.add(decoded);
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
        List<Tile> tiles = new ArrayList<>(buffer.size());
        long[] decodeMicros = new long[buffer.size()];
        for (int i = 0; i < buffer.size(); i++) {
            tiles.add(buffer.get(i).tile(tileCodec));
            decodeMicros[i] = buffer.get(i).decodeMicros;
        }
        List<Segmentation> results = BatchSegmenter.segment(model, tiles, decodeMicros);
        String version = model.ref().toString();
        for (int i = 0; i < results.size(); i++) {
            output.collect(new StreamRecord<>(new SegmentationRecord(
                    buffer.get(i).tileId, segmentationCodec.encode(results.get(i)), version)));
        }
        segmented.inc(results.size());
        batches.inc();
        buffer.clear();
        timerFor = Long.MIN_VALUE;
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        bufferState.update(new ArrayList<>(buffer));
    }

    @Override
    public void endInput() {
        flush();
    }

    @Override
    public void close() throws Exception {
        if (model != null) {
            model.close();
            model = null;
        }
        super.close();
    }
}
