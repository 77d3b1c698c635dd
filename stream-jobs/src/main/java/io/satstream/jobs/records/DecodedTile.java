package io.satstream.jobs.records;

import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.Tile;

/**
 * A tile that decoded and passed structural validation, on its way to inference.
 *
 * <p>What Flink serializes (state, network) is the single-object-encoded {@link Tile}, the pixel validity
 * and the original record bytes for a later rejection, as a Flink POJO (public fields, no-arg constructor:
 * Flink's POJO serializer, whose snapshot records the fields, so a field added later still restores). The
 * decoded {@link Tile} object rides along in a transient field so chained operators (object reuse on) do not
 * decode twice; after a restore it is decoded again.
 */
public class DecodedTile {
    /** Key of the output records: the original key, or a generated id for a keyless raw image. */
    public String tileId;
    /** The original record's key bytes, for the DLQ. */
    public byte[] originalKey;
    /** The original record's value bytes, for the DLQ (same array as {@link #tileAvro} for Avro input). */
    public byte[] originalValue;
    /** The tile in Avro single-object encoding. */
    public byte[] tileAvro;
    /**
     * One byte per pixel, row-major, 0 where the tile has no data (see {@code ValidPixels}); null when every
     * pixel has data. Computed once at decoding.
     */
    public byte[] valid;
    public long decodeMicros;

    private transient Tile tile;

    public DecodedTile() {}

    public DecodedTile(String tileId, byte[] originalKey, byte[] originalValue, byte[] tileAvro, Tile tile, byte[] valid,
            long decodeMicros) {
        this.tileId = tileId;
        this.originalKey = originalKey;
        this.originalValue = originalValue;
        this.tileAvro = tileAvro;
        this.tile = tile;
        this.valid = valid;
        this.decodeMicros = decodeMicros;
    }

    /** The decoded tile; decodes {@link #tileAvro} once if this object came out of Flink state. */
    public Tile tile(AvroCodec<Tile> codec) {
        if (tile == null) {
            tile = codec.decode(tileAvro);
        }
        return tile;
    }

    @Override
    public String toString() {
        return "DecodedTile{" + tileId + "}";
    }
}
