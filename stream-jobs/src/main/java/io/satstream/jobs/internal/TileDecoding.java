package io.satstream.jobs.internal;

import static io.satstream.jobs.TileRejectedException.STAGE_DECODE;
import static io.satstream.jobs.TileRejectedException.STAGE_VALIDATE;

import io.satstream.jobs.TileRejectedException;
import io.satstream.jobs.records.DecodedTile;
import io.satstream.jobs.records.RawTileRecord;
import io.satstream.raster.ImageFormat;
import io.satstream.raster.RasterDecodeException;
import io.satstream.raster.RasterDecoder;
import io.satstream.raster.RasterImage;
import io.satstream.raster.ValidPixels;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.AvroDecodingException;
import io.satstream.schemas.DataType;
import io.satstream.schemas.InputLimits;
import io.satstream.schemas.Tile;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;

/**
 * Turns a raw {@code tiles} record into a validated {@link DecodedTile}: an Avro {@link Tile} in
 * single-object encoding, or the bytes of a PNG, JPEG or (Geo)TIFF image recognised by its magic bytes.
 * Anything else raises {@link TileRejectedException} with a reason a person can act on.
 *
 * <p>Every size a record states is checked against {@link InputLimits} before it is allocated: the value's
 * length, the key's, the {@code source} header's, every length inside the Avro bytes, an image header's
 * pixels and decoded bytes. A key that is not UTF-8 text, or longer than a tile id may be, is refused; a
 * missing or empty key means "the tile id is in the tile" (or, for a raw image, one is made from the
 * record's topic, partition and offset).
 */
public final class TileDecoding {

    private final AvroCodec<Tile> codec = AvroCodec.tile();
    private final RasterDecoder rasterDecoder;
    private final InputLimits limits;

    public TileDecoding(InputLimits limits) {
        this.limits = limits;
        this.rasterDecoder = new RasterDecoder(limits.maxPixels(), limits.maxTileBytes());
    }

    public DecodedTile decode(RawTileRecord raw) {
        long t0 = System.nanoTime();
        byte[] value = raw.value;
        if (value == null || value.length == 0) {
            throw new TileRejectedException(STAGE_DECODE, "empty record value (no tile bytes)");
        }
        if (value.length > limits.maxRecordBytes()) {
            throw new TileRejectedException(STAGE_DECODE, "record value of " + value.length
                    + " bytes is over the limit of " + limits.maxRecordBytes());
        }
        String key = keyOf(raw.key);
        Tile tile;
        byte[] tileAvro;
        if (AvroCodec.isSingleObjectEncoded(value)) {
            try {
                tile = codec.decode(value, limits);
            } catch (AvroDecodingException e) {
                throw new TileRejectedException(STAGE_DECODE, e.getMessage(), e);
            }
            if (key != null && !key.equals(tile.getTileId())) {
                throw new TileRejectedException(STAGE_VALIDATE,
                        "record key '" + key + "' differs from the tile id '" + tile.getTileId() + "'");
            }
            tileAvro = value;
        } else {
            ImageFormat format = ImageFormat.detect(value);
            if (format == ImageFormat.UNKNOWN) {
                throw new TileRejectedException(STAGE_DECODE,
                        "not an Avro Tile (single-object encoding) nor a PNG, JPEG or TIFF image (first bytes: "
                                + hexPrefix(value) + ")");
            }
            RasterImage image;
            try {
                image = rasterDecoder.decode(value);
            } catch (RasterDecodeException e) {
                String reason = e.getMessage();
                // Most reasons name the format already ("truncated JPEG"); say it once.
                throw new TileRejectedException(STAGE_DECODE,
                        reason.contains(format.name()) ? reason : format + ": " + reason, e);
            } catch (RuntimeException e) {
                throw new TileRejectedException(STAGE_DECODE, format + " could not be decoded: " + e, e);
            }
            String tileId = key != null ? key : "raw-" + raw.topic + "-" + raw.partition + "-" + raw.offset;
            String source = raw.sourceHeader == null ? null : text(raw.sourceHeader, limits.maxStringBytes(),
                    "source header");
            tile = fromImage(tileId, source, raw, format, image);
            tileAvro = codec.encode(tile);
        }
        validate(tile);
        // Once per tile, here: which pixels inference must answer with "no data" (nodata in every band, outside
        // the internal mask, padding past the scene edge).
        byte[] valid;
        try {
            valid = ValidPixels.of(tile);
        } catch (IllegalArgumentException e) {
            throw new TileRejectedException(STAGE_VALIDATE, "cannot tell which pixels hold data: " + e.getMessage(), e);
        }
        long micros = (System.nanoTime() - t0) / 1_000;
        return new DecodedTile(tile.getTileId(), raw.key, value, tileAvro, tile, valid, micros);
    }

    /** The key as a tile id; null when there is none. */
    private String keyOf(byte[] key) {
        if (key == null || key.length == 0) {
            return null;
        }
        return text(key, limits.maxKeyBytes(), "record key");
    }

    /** Strict UTF-8 of at most {@code limit} bytes: a replacement character would make a different id. */
    private static String text(byte[] bytes, int limit, String what) {
        if (bytes.length > limit) {
            throw new TileRejectedException(STAGE_VALIDATE, what + " of " + bytes.length
                    + " bytes is longer than the limit of " + limit);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new TileRejectedException(STAGE_VALIDATE, what + " is not UTF-8 text (first bytes: "
                    + hexPrefix(bytes) + ")");
        }
    }

    private static Tile fromImage(String tileId, String source, RawTileRecord raw, ImageFormat format,
            RasterImage image) {
        return Tile.newBuilder()
                .setTileId(tileId)
                .setSceneId(tileId)
                .setSource(source != null ? source : "raw-" + format.name().toLowerCase())
                .setIngestedAt(Instant.ofEpochMilli(raw.timestamp > 0 ? raw.timestamp : System.currentTimeMillis()))
                .setWidth(image.width())
                .setHeight(image.height())
                .setBands(List.copyOf(image.bands()))
                .setDataType(image.dataType())
                .setPixels(java.nio.ByteBuffer.wrap(image.pixels()))
                .setNodata(image.nodata())
                .setValidMask(image.validMask() == null ? null : java.nio.ByteBuffer.wrap(image.validMask()))
                .setGeoref(image.georef())
                .setAttributes(new HashMap<>())
                .build();
    }

    /** Structural checks: everything a tile must satisfy whatever the model. */
    void validate(Tile tile) {
        if (tile.getTileId() == null || tile.getTileId().isBlank()) {
            throw new TileRejectedException(STAGE_VALIDATE, "tile id is empty");
        }
        // at most the string limit (64 KiB by default), already checked while the Avro was walked
        int idBytes = tile.getTileId().getBytes(StandardCharsets.UTF_8).length;
        if (idBytes > limits.maxKeyBytes()) {
            throw new TileRejectedException(STAGE_VALIDATE, "tile id of " + idBytes
                    + " bytes is longer than the limit of " + limits.maxKeyBytes());
        }
        int w = tile.getWidth();
        int h = tile.getHeight();
        if (w <= 0 || h <= 0) {
            throw new TileRejectedException(STAGE_VALIDATE, "impossible dimensions " + w + "x" + h);
        }
        if ((long) w * h > limits.maxPixels()) {
            throw new TileRejectedException(STAGE_VALIDATE,
                    "tile is " + w + "x" + h + " pixels, more than the limit of " + limits.maxPixels());
        }
        int bands = tile.getBands().size();
        if (bands == 0) {
            throw new TileRejectedException(STAGE_VALIDATE, "tile has no bands");
        }
        if (bands > limits.maxBands()) {
            throw new TileRejectedException(STAGE_VALIDATE,
                    "tile has " + bands + " bands, more than the limit of " + limits.maxBands());
        }
        long expected = (long) w * h * bands * bytesPerSample(tile.getDataType());
        if (expected > limits.maxTileBytes()) {
            throw new TileRejectedException(STAGE_VALIDATE, w + "x" + h + "x" + bands + " " + tile.getDataType()
                    + " samples take " + expected + " bytes, more than the limit of " + limits.maxTileBytes());
        }
        int actual = tile.getPixels().remaining();
        if (actual != expected) {
            throw new TileRejectedException(STAGE_VALIDATE, "pixel buffer has " + actual + " bytes, expected " + expected
                    + " for " + w + "x" + h + "x" + bands + " " + tile.getDataType());
        }
        if (tile.getLabelMask() != null && tile.getLabelMask().remaining() != (long) w * h) {
            throw new TileRejectedException(STAGE_VALIDATE, "label mask has " + tile.getLabelMask().remaining()
                    + " bytes, expected " + ((long) w * h));
        }
        if (tile.getValidMask() != null && tile.getValidMask().remaining() != (long) w * h) {
            throw new TileRejectedException(STAGE_VALIDATE, "valid mask has " + tile.getValidMask().remaining()
                    + " bytes, expected " + ((long) w * h));
        }
        if (tile.getGeoref() != null && tile.getGeoref().getGeoTransform() != null
                && tile.getGeoref().getGeoTransform().size() != 6) {
            throw new TileRejectedException(STAGE_VALIDATE, "geotransform must have 6 values, has "
                    + tile.getGeoref().getGeoTransform().size());
        }
    }

    public static int bytesPerSample(DataType type) {
        switch (type) {
            case UINT8: return 1;
            case UINT16: return 2;
            case FLOAT32: return 4;
            default: throw new IllegalArgumentException("unknown data type " + type);
        }
    }

    private static String hexPrefix(byte[] value) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(8, value.length); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(String.format("%02X", value[i] & 0xFF));
        }
        return sb.toString();
    }
}
