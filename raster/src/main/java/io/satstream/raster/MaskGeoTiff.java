package io.satstream.raster;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import javax.imageio.IIOImage;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import io.satstream.raster.internal.GeoTiffTags;
import io.satstream.raster.internal.ImageIoPlugins;
import io.satstream.schemas.GeoReference;
import io.satstream.schemas.MaskValues;

/**
 * A class mask as a single-band uint8 GeoTIFF (Deflate), georeferenced like its tile so GIS tools place it:
 * the geotransform as ModelPixelScale + ModelTiepoint (ModelTransformation when rotated), the CRS in the
 * GeoKeyDirectory. A tile known only by its XYZ address gets the EPSG:3857 transform of that address.
 *
 * <p>GDAL_NODATA is always {@link MaskValues#NO_DATA}, whether or not this mask holds it: no class index
 * can be 255, so nothing is hidden, and every mask of a scene then declares the same nodata, which is what
 * mosaicking tools (gdalbuildvrt, gdalwarp) need to let a tile's data show through another's holes.
 */
public final class MaskGeoTiff {
    private MaskGeoTiff() {}

    /**
     * @param mask one value per pixel, row-major: a class index or {@link MaskValues#NO_DATA}
     * @param georef where the mask lies; null writes a TIFF without georeferencing (GDAL_NODATA still set)
     */
    public static byte[] encode(byte[] mask, int width, int height, GeoReference georef) {
        return encode(mask, width, height, georef, (double) MaskValues.NO_DATA);
    }

    /**
     * Same, with another GDAL_NODATA value, or none when null: for a single-band uint8 raster that does not
     * follow the mask convention (e.g. one band of imagery whose nodata is 0).
     */
    public static byte[] encode(byte[] mask, int width, int height, GeoReference georef, Double nodata) {
        MaskValidation.check(mask, width, height, 0);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        System.arraycopy(mask, 0, data, 0, mask.length);

        ImageWriter writer = ImageIoPlugins.writer(ImageIoPlugins.TIFF_WRITER);
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(mask.length / 4 + 1024);
                ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionType("Deflate");
            TIFFDirectory dir = TIFFDirectory.createFromMetadata(
                    writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param));
            GeoTiffTags.write(dir, withTransform(georef, width, height), nodata);
            writer.write(null, new IIOImage(image, null, dir.getAsMetadata()), param);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode mask GeoTIFF", e);
        } finally {
            writer.dispose();
        }
    }

    /** An XYZ-only georeference becomes its Web Mercator geotransform; anything else is kept as given. */
    static GeoReference withTransform(GeoReference georef, int width, int height) {
        if (georef == null || georef.getGeoTransform() != null || georef.getXyz() == null) {
            return georef;
        }
        return GeoReference.newBuilder(georef)
                .setEpsg(WebMercator.EPSG)
                .setGeoTransform(WebMercator.geoTransform(georef.getXyz(), width, height))
                .build();
    }
}
