package io.satstream.jobs.pretrain;

import io.satstream.jobs.internal.TileDecoding;
import io.satstream.jobs.records.DecodedTile;
import io.satstream.jobs.records.RawTileRecord;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.DataType;
import io.satstream.schemas.InputLimits;
import io.satstream.schemas.Tile;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decodes a {@code tiles} record and admits it to pretraining or not ({@link TileAdmission}), counting refusals by
 * reason ({@code reason_tilesRefused}; {@code decode} for records that do not decode, {@code sample-type} for tiles
 * that are not 8-bit). Nothing goes to a DLQ: the segmentation job already reports bad records, this job only
 * chooses what to learn from.
 */
public final class PretrainAdmissionFunction extends ProcessFunction<RawTileRecord, AdmittedTile> {
    private static final long serialVersionUID = 1L;

    public static final String DECODE = "decode";
    public static final String SAMPLE_TYPE = "sample-type";

    private final InputLimits limits;
    private final TileAdmission.Thresholds thresholds;
    private transient TileDecoding decoding;
    private transient TileAdmission admission;
    private transient AvroCodec<Tile> codec;
    private transient Counter in;
    private transient Counter admitted;
    private transient Map<String, Counter> refused;

    public PretrainAdmissionFunction(InputLimits limits, TileAdmission.Thresholds thresholds) {
        this.limits = limits;
        this.thresholds = thresholds;
    }

    @Override
    public void open(OpenContext openContext) {
        decoding = new TileDecoding(limits);
        admission = new TileAdmission(thresholds);
        codec = AvroCodec.tile();
        in = getRuntimeContext().getMetricGroup().counter("tilesIn");
        admitted = getRuntimeContext().getMetricGroup().counter("tilesAdmitted");
        refused = new HashMap<>();
        for (String reason : TileAdmission.REASONS) {
            refusedCounter(reason);
        }
        refusedCounter(DECODE);
        refusedCounter(SAMPLE_TYPE);
    }

    private Counter refusedCounter(String reason) {
        return refused.computeIfAbsent(reason, r -> getRuntimeContext().getMetricGroup().addGroup("reason", r)
                .counter("tilesRefused"));
    }

    @Override
    public void processElement(RawTileRecord raw, Context ctx, Collector<AdmittedTile> out) {
        in.inc();
        DecodedTile decoded;
        try {
            decoded = decoding.decode(raw);
        } catch (RuntimeException e) {
            // TileRejectedException, or a decoder bug: either way nothing to learn from
            refusedCounter(DECODE).inc();
            return;
        }
        Tile tile = decoded.tile(codec);
        if (tile.getDataType() != DataType.UINT8) {
            refusedCounter(SAMPLE_TYPE).inc();
            return;
        }
        byte[] pixels = bytes(tile.getPixels());
        int bands = tile.getBands().size();
        String reason = admission.refusal(pixels, tile.getWidth(), tile.getHeight(), bands, decoded.valid);
        if (reason != null) {
            refusedCounter(reason).inc();
            return;
        }
        byte[] labels = tile.getLabelMask() == null ? null : bytes(tile.getLabelMask());
        if (labels != null && labels.length != tile.getWidth() * tile.getHeight()) {
            labels = null;
        }
        admitted.inc();
        out.collect(new AdmittedTile(decoded.tileId, raw.partition, raw.offset, tile.getWidth(), tile.getHeight(),
                bands, pixels, labels));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
