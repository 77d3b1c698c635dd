package io.satstream.schemas.internal;

import io.satstream.schemas.AvroDecodingException;
import io.satstream.schemas.InputLimits;

import java.util.List;

import org.apache.avro.Schema;

/**
 * Walks Avro binary data against its writer schema without decoding it, and refuses it when any length,
 * count or index it carries is impossible: a string or bytes length longer than what remains of the record,
 * a collection with more items than the limit, an enum or union index out of range, a varint longer than
 * ten bytes, or bytes left over at the end.
 *
 * <p>Why: Avro's decoder allocates what a length field claims before it reads the bytes, so a 1 KB record
 * claiming a 2 GB {@code bytes} field costs 2 GB of heap. Once this walk has passed, every length is
 * bounded by the record's own size and every collection by {@link InputLimits#maxCollectionItems()}, so
 * decoding costs at most a small multiple of the record.
 */
public final class AvroBoundsCheck {
    /** Deeper nesting than this is malformed for satstream's schemas (they nest three levels). */
    private static final int MAX_DEPTH = 32;

    private final byte[] buf;
    private final int end;
    private final InputLimits limits;
    private int pos;

    private AvroBoundsCheck(byte[] buf, int offset, InputLimits limits) {
        this.buf = buf;
        this.pos = offset;
        this.end = buf.length;
        this.limits = limits;
    }

    /**
     * Checks {@code bytes[offset..]} as one datum of {@code writer}.
     *
     * @throws AvroDecodingException naming the field and the length that cannot be
     */
    public static void check(Schema writer, byte[] bytes, int offset, InputLimits limits) {
        AvroBoundsCheck walk = new AvroBoundsCheck(bytes, offset, limits);
        walk.datum(writer, writer.getName(), 0);
        if (walk.pos != walk.end) {
            throw new AvroDecodingException((walk.end - walk.pos) + " byte(s) left after the end of the "
                    + writer.getName() + " (a length field that lies, or a different schema)");
        }
    }

    private void datum(Schema schema, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw malformed(path, "nests deeper than " + MAX_DEPTH + " levels");
        }
        switch (schema.getType()) {
            case NULL -> { }
            case BOOLEAN -> skip(1, path);
            case INT, ENUM -> {
                int v = readInt(path);
                if (schema.getType() == Schema.Type.ENUM && (v < 0 || v >= schema.getEnumSymbols().size())) {
                    throw malformed(path, "enum index " + v + " is not one of the " + schema.getEnumSymbols().size()
                            + " symbols " + schema.getEnumSymbols());
                }
            }
            case LONG -> readLong(path);
            case FLOAT -> skip(4, path);
            case DOUBLE -> skip(8, path);
            case FIXED -> skip(schema.getFixedSize(), path);
            case STRING -> length(path, limits.maxStringBytes(), "string");
            case BYTES -> length(path, Integer.MAX_VALUE, "bytes");
            case RECORD -> {
                for (Schema.Field f : schema.getFields()) {
                    datum(f.schema(), path + "." + f.name(), depth + 1);
                }
            }
            case UNION -> {
                List<Schema> branches = schema.getTypes();
                long index = readLong(path);
                if (index < 0 || index >= branches.size()) {
                    throw malformed(path, "union branch " + index + " does not exist (" + branches.size()
                            + " branches)");
                }
                datum(branches.get((int) index), path, depth + 1);
            }
            case ARRAY -> collection(path + "[]", depth, schema.getElementType(), false);
            case MAP -> collection(path + "{}", depth, schema.getValueType(), true);
        }
    }

    /** Blocks of items, each block a count (negative: followed by its size in bytes), ended by count 0. */
    private void collection(String path, int depth, Schema items, boolean withKeys) {
        long total = 0;
        while (true) {
            long count = readLong(path);
            if (count == 0) {
                return;
            }
            if (count < 0) {
                if (count == Long.MIN_VALUE) {
                    throw malformed(path, "block count " + count + " is impossible");
                }
                count = -count;
                long blockBytes = readLong(path);
                if (blockBytes < 0 || blockBytes > end - pos) {
                    throw malformed(path, "block claims " + blockBytes + " bytes but " + (end - pos) + " remain");
                }
            }
            total += count;
            if (total > limits.maxCollectionItems()) {
                throw malformed(path, "claims " + total + " items or more, over the limit of "
                        + limits.maxCollectionItems());
            }
            for (long i = 0; i < count; i++) {
                if (withKeys) {
                    length(path, limits.maxStringBytes(), "map key");
                }
                datum(items, path, depth + 1);
            }
        }
    }

    private void length(String path, long limit, String what) {
        long n = readLong(path);
        if (n < 0) {
            throw malformed(path, what + " length " + n + " is negative");
        }
        if (n > end - pos) {
            throw malformed(path, what + " claims " + n + " bytes but only " + (end - pos) + " remain in the record");
        }
        if (n > limit) {
            throw malformed(path, what + " of " + n + " bytes is over the limit of " + limit);
        }
        pos += (int) n;
    }

    private void skip(int n, String path) {
        if (n > end - pos) {
            throw malformed(path, "needs " + n + " bytes but only " + (end - pos) + " remain (truncated)");
        }
        pos += n;
    }

    private int readInt(String path) {
        long v = readVarint(path, 5);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw malformed(path, "int value " + v + " does not fit 32 bits");
        }
        return (int) v;
    }

    private long readLong(String path) {
        return readVarint(path, 10);
    }

    /** A zig-zag varint of at most {@code maxBytes} bytes. */
    private long readVarint(String path, int maxBytes) {
        long raw = 0;
        for (int i = 0; i < maxBytes; i++) {
            if (pos >= end) {
                throw malformed(path, "truncated inside a number");
            }
            int b = buf[pos++] & 0xFF;
            raw |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw malformed(path, "a number runs over " + maxBytes + " bytes");
    }

    private AvroDecodingException malformed(String path, String what) {
        return new AvroDecodingException("malformed " + path + " at byte " + pos + ": " + what);
    }
}
