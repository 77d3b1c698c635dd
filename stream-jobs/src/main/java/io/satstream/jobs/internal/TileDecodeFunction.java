package io.satstream.jobs.internal;

import io.satstream.jobs.TileRejectedException;
import io.satstream.jobs.records.DecodedTile;
import io.satstream.jobs.records.RawTileRecord;
import io.satstream.jobs.records.RejectedRecord;
import io.satstream.schemas.InputLimits;

import java.util.HashMap;
import java.util.Map;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Decodes and validates raw records; anything bad goes to the DLQ side output with its reason. */
public final class TileDecodeFunction extends ProcessFunction<RawTileRecord, DecodedTile> {
    private static final long serialVersionUID = 1L;

    private final InputLimits limits;
    private final OutputTag<RejectedRecord> dlqTag;
    private transient TileDecoding decoding;
    private transient Counter decoded;
    private transient Counter rejected;
    private transient Map<String, Counter> toDlq;

    public TileDecodeFunction(InputLimits limits, OutputTag<RejectedRecord> dlqTag) {
        this.limits = limits;
        this.dlqTag = dlqTag;
    }

    @Override
    public void open(OpenContext openContext) {
        decoding = new TileDecoding(limits);
        decoded = getRuntimeContext().getMetricGroup().counter("tilesDecoded");
        rejected = getRuntimeContext().getMetricGroup().counter("tilesRejected");
        toDlq = new HashMap<>();
    }

    /** Counts a rejection under its stage ({@code tilesToDlq}, label {@code stage}), as the inference operator does. */
    private void countRejected(String stage) {
        rejected.inc();
        toDlq.computeIfAbsent(stage, s -> getRuntimeContext().getMetricGroup().addGroup("stage", s)
                .counter("tilesToDlq")).inc();
    }

    @Override
    public void processElement(RawTileRecord raw, Context ctx, Collector<DecodedTile> out) {
        DecodedTile tile;
        try {
            tile = decoding.decode(raw);
        } catch (TileRejectedException e) {
            countRejected(e.stage());
            ctx.output(dlqTag, new RejectedRecord(raw.key, raw.value, e.getMessage(), e.stage()));
            return;
        } catch (RuntimeException | OutOfMemoryError e) {
            // A decoder bug must not stop the stream: the record goes to the DLQ with what happened.
            countRejected(TileRejectedException.STAGE_DECODE);
            ctx.output(dlqTag, new RejectedRecord(raw.key, raw.value,
                    "unexpected decoding failure: " + e, TileRejectedException.STAGE_DECODE));
            return;
        }
        decoded.inc();
        out.collect(tile);
    }
}
