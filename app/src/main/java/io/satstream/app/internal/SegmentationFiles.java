package io.satstream.app.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

import io.satstream.raster.MaskGeoTiff;
import io.satstream.raster.MaskPng;
import io.satstream.schemas.GeoReference;
import io.satstream.schemas.Segmentation;

/**
 * Writes one {@link Segmentation} as files in an output directory: {@code <id>.png} (the mask),
 * {@code <id>.tif} (the same mask as a GeoTIFF, only when the tile had an EPSG CRS and a geotransform)
 * and {@code <id>.json} (the sidecar). {@code <id>} is the tile id made safe by {@link SafeFileNames}.
 *
 * <p>Each file appears atomically (written aside, then renamed), and the sidecar comes last, so a
 * reader that sees the JSON finds the images complete. A later record for the same tile replaces them.
 */
public final class SegmentationFiles {

    private final Path dir;

    /** What was written for one record. {@code tif} is null when the tile was not georeferenced. */
    public record Written(Path png, Path tif, Path json) {}

    public SegmentationFiles(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /**
     * @throws IllegalArgumentException when the record is inconsistent (mask size, a value with no class),
     *     so the caller can skip it and go on; nothing is written then
     * @throws UncheckedIOException when a file cannot be written (disk full, permissions)
     */
    public Written write(Segmentation s, String modelVersionHeader, SegmentationSidecar.Origin origin) {
        byte[] mask = bytes(s.getMask());
        int w = s.getWidth();
        int h = s.getHeight();
        String base = SafeFileNames.forId(s.getTileId());

        // Encode everything first (the encoders check the mask against size and classes), so that a bad
        // record leaves no partial output behind.
        byte[] pngBytes = MaskPng.encode(mask, w, h, s.getClassNames());
        byte[] tifBytes = isGeoreferenced(s.getGeoref()) ? MaskGeoTiff.encode(mask, w, h, s.getGeoref()) : null;

        Map<String, String> names = new LinkedHashMap<>();
        Path png = dir.resolve(base + ".png");
        names.put("png", png.getFileName().toString());
        Path tif = tifBytes == null ? null : dir.resolve(base + ".tif");
        if (tif != null) {
            names.put("tif", tif.getFileName().toString());
        }
        byte[] jsonBytes = SegmentationSidecar.toJson(s, modelVersionHeader, origin, names);

        writeAtomically(png, pngBytes);
        if (tif != null) {
            writeAtomically(tif, tifBytes);
        }
        Path json = dir.resolve(base + ".json");
        writeAtomically(json, jsonBytes);
        return new Written(png, tif, json);
    }

    /**
     * True when a GeoTIFF can say where the mask lies: an EPSG CRS with a full GDAL geotransform, or an
     * XYZ address (written as its EPSG:3857 transform).
     */
    public static boolean isGeoreferenced(GeoReference georef) {
        if (georef == null) {
            return false;
        }
        boolean crsAndTransform = georef.getEpsg() != null && georef.getGeoTransform() != null
                && georef.getGeoTransform().size() == 6;
        return crsAndTransform || georef.getXyz() != null;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] out = new byte[view.remaining()];
        view.get(out);
        return out;
    }

    /** Writes aside, then renames, so a reader never sees a half-written file. */
    static void writeAtomically(Path target, byte[] content) {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".part");
        try {
            Files.write(tmp, content);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the original failure is the one worth reporting
            }
            throw new UncheckedIOException("cannot write " + target + ": " + ErrorMessages.describe(e), e);
        }
    }
}
