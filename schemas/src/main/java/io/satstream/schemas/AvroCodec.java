package io.satstream.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import io.satstream.schemas.internal.AvroBoundsCheck;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding (header {@code C3 01} + 64-bit schema fingerprint + binary body) for one
 * generated record type.
 *
 * <p>The decoder knows every released version of the schema (see {@link ReleasedSchemas}), so records
 * written by an older or newer writer are resolved to the current class. Instances are thread-safe
 * and shared: use {@link #tile()}, {@link #segmentation()} and {@link #modelEvent()}.
 */
public final class AvroCodec<T extends SpecificRecord> {

    /** C3 01 and the 8-byte fingerprint of the writer schema. */
    private static final int HEADER_BYTES = 10;

    private final Class<T> type;
    private final Schema schema;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;
    /** Writer schemas by their 64-bit parsing fingerprint, as the single-object header names them. */
    private final Map<Long, Schema> writers = new HashMap<>();

    private AvroCodec(Class<T> type, Schema schema, List<Schema> releasedWriterSchemas) {
        this.type = type;
        this.schema = schema;
        // The generated class's own model carries its logical-type conversions (timestamps as Instant).
        SpecificData model = SpecificData.getForClass(type);
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        SchemaStore.Cache store = new SchemaStore.Cache();
        for (Schema released : releasedWriterSchemas) {
            store.addSchema(released);
            writers.put(SchemaNormalization.parsingFingerprint64(released), released);
        }
        writers.put(SchemaNormalization.parsingFingerprint64(schema), schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema, store);
    }

    /** The shared codec for {@link Tile}; building one parses every released schema, so reuse it. */
    public static AvroCodec<Tile> tile() {
        return Shared.TILE;
    }

    /** The shared codec for {@link Segmentation}. */
    public static AvroCodec<Segmentation> segmentation() {
        return Shared.SEGMENTATION;
    }

    /** The shared codec for {@link ModelEvent}. */
    public static AvroCodec<ModelEvent> modelEvent() {
        return Shared.MODEL_EVENT;
    }

    /** Built on first use; Avro's message encoders and decoders are thread-safe. */
    private static final class Shared {
        static final AvroCodec<Tile> TILE =
                new AvroCodec<>(Tile.class, Tile.getClassSchema(), ReleasedSchemas.all("tile"));
        static final AvroCodec<Segmentation> SEGMENTATION = new AvroCodec<>(
                Segmentation.class, Segmentation.getClassSchema(), ReleasedSchemas.all("segmentation"));
        static final AvroCodec<ModelEvent> MODEL_EVENT = new AvroCodec<>(
                ModelEvent.class, ModelEvent.getClassSchema(), ReleasedSchemas.all("model-event"));
    }

    public Class<T> type() {
        return type;
    }

    public Schema schema() {
        return schema;
    }

    public byte[] encode(T record) {
        Objects.requireNonNull(record, "record");
        try {
            ByteBuffer buffer = encoder.encode(record);
            byte[] out = new byte[buffer.remaining()];
            buffer.get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + type.getSimpleName(), e);
        }
    }

    /**
     * Decodes one single-object-encoded record within {@link InputLimits#defaults()}.
     *
     * @throws AvroDecodingException with a human-readable reason when the bytes are not a record of
     *     this type (wrong header, unknown fingerprint, truncated body, a length that lies)
     */
    public T decode(byte[] bytes) {
        return decode(bytes, InputLimits.defaults());
    }

    /**
     * Decodes one single-object-encoded record, first checking, without allocating, that it is within
     * {@code limits} and that every length it carries fits inside it (see {@code AvroBoundsCheck}): a record
     * that lies about a length costs an exception, never the memory it claims.
     *
     * @throws AvroDecodingException with a human-readable reason when the bytes are not a record of
     *     this type (wrong header, unknown fingerprint, truncated body, a length that lies, over a limit)
     */
    public T decode(byte[] bytes, InputLimits limits) {
        Objects.requireNonNull(limits, "limits");
        if (bytes == null) {
            throw new AvroDecodingException("no value (null record)");
        }
        if (!isSingleObjectEncoded(bytes)) {
            throw new AvroDecodingException("not Avro single-object encoding (missing C3 01 header)");
        }
        if (bytes.length > limits.maxRecordBytes()) {
            throw new AvroDecodingException(type.getSimpleName() + " record of " + bytes.length
                    + " bytes is over the limit of " + limits.maxRecordBytes());
        }
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Schema writer = writers.get(fingerprint);
        if (writer == null) {
            throw new AvroDecodingException("cannot decode " + type.getSimpleName() + ": schema fingerprint "
                    + String.format("%016X", fingerprint) + " is not a released " + type.getSimpleName()
                    + " schema");
        }
        AvroBoundsCheck.check(writer, bytes, HEADER_BYTES, limits);
        try {
            return decoder.decode(bytes);
        } catch (IOException | RuntimeException e) {
            throw new AvroDecodingException("cannot decode " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** True when the bytes start with the single-object marker {@code C3 01}. */
    public static boolean isSingleObjectEncoded(byte[] bytes) {
        return bytes != null && bytes.length >= 10 && (bytes[0] & 0xFF) == 0xC3 && (bytes[1] & 0xFF) == 0x01;
    }
}
