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
import io.satstream.schemas.Tile;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;

/**
 * Turns a raw {@code tiles} record into a validated {@link DecodedTile}: an Avro {@link Tile} in
 * single-object encoding, or the bytes of a PNG, JPEG or (Geo)TIFF image recognised by its magic bytes.
 * Anything else raises {@link TileRejectedException} with a reason a person can act on.
 */
public final class TileDecoding {

    private final AvroCodec<Tile> codec = AvroCodec.tile();
    private final RasterDecoder rasterDecoder;
    private final long maxPixels;

    public TileDecoding(long maxPixels) {
        this.maxPixels = maxPixels;
        this.rasterDecoder = new RasterDecoder(maxPixels);
    }

    public DecodedTile decode(RawTileRecord raw) {
        long t0 = System.nanoTime();
        byte[] value = raw.value;
        String key = raw.key == null ? null : new String(raw.key, StandardCharsets.UTF_8);
        if (value == null || value.length == 0) {
            throw new TileRejectedException(STAGE_DECODE, "empty record value (no tile bytes)");
        }
        Tile tile;
        byte[] tileAvro;
        if (AvroCodec.isSingleObjectEncoded(value)) {
            try {
                tile = codec.decode(value);
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
            tile = fromImage(tileId, raw, format, image);
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

    private static Tile fromImage(String tileId, RawTileRecord raw, ImageFormat format, RasterImage image) {
        return Tile.newBuilder()
                .setTileId(tileId)
                .setSceneId(tileId)
                .setSource(raw.source != null ? raw.source : "raw-" + format.name().toLowerCase())
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
        int w = tile.getWidth();
        int h = tile.getHeight();
        if (w <= 0 || h <= 0) {
            throw new TileRejectedException(STAGE_VALIDATE, "impossible dimensions " + w + "x" + h);
        }
        if ((long) w * h > maxPixels) {
            throw new TileRejectedException(STAGE_VALIDATE,
                    "tile is " + w + "x" + h + " pixels, more than the limit of " + maxPixels);
        }
        int bands = tile.getBands().size();
        if (bands == 0) {
            throw new TileRejectedException(STAGE_VALIDATE, "tile has no bands");
        }
        long expected = (long) w * h * bands * bytesPerSample(tile.getDataType());
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
