package io.satstream.raster;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

import javax.imageio.IIOImage;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import io.satstream.raster.internal.ImageIoPlugins;
import io.satstream.schemas.MaskValues;

/**
 * A class mask as an indexed-colour PNG a person can look at: pixel value = class index, the palette gives
 * each class its {@link ClassPalette} colour, and a {@code tEXt} chunk ({@value #CLASSES_KEYWORD}) lists the
 * class names, comma-separated, so the file explains itself.
 *
 * <p>No-data pixels ({@link MaskValues#NO_DATA}) keep their value and are fully transparent (palette entry
 * 255 has alpha 0 in a {@code tRNS} chunk), so viewers show them as holes. The palette is only stretched to
 * 256 entries when the mask holds no-data; a mask with data everywhere has one palette entry per class.
 */
public final class MaskPng {
    public static final String CLASSES_KEYWORD = "classes";
    private static final String PNG_METADATA_FORMAT = "javax_imageio_png_1.0";

    private MaskPng() {}

    /**
     * @param mask one value per pixel, row-major: a class index below {@code classNames.size()}, or
     *     {@link MaskValues#NO_DATA}
     * @throws IllegalArgumentException when the buffer does not match the size or holds a value with no class
     */
    public static byte[] encode(byte[] mask, int width, int height, List<String> classNames) {
        Objects.requireNonNull(classNames, "classNames");
        if (classNames.isEmpty() || classNames.size() > MaskValues.MAX_CLASSES) {
            throw new IllegalArgumentException("a mask holds 1.." + MaskValues.MAX_CLASSES + " classes (value "
                    + MaskValues.NO_DATA + " marks no data), got " + classNames.size());
        }
        MaskValidation.check(mask, width, height, classNames.size());
        boolean withNoData = containsNoData(mask);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED,
                palette(classNames, withNoData));
        byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        System.arraycopy(mask, 0, data, 0, mask.length);

        ImageWriter writer = ImageIoPlugins.writer(ImageIoPlugins.PNG_WRITER);
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(mask.length / 8 + 1024);
                ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image),
                    null);
            addClassNames(metadata, classNames);
            if (withNoData) {
                addNoData(metadata);
            }
            writer.write(null, new IIOImage(image, null, metadata), null);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode mask PNG", e);
        } finally {
            writer.dispose();
        }
    }

    /**
     * One entry per class, or, with no-data, 256 entries (value 255 needs one). The entries between the
     * classes and 255 are never used; black, like the no-data entry under its alpha.
     *
     * <p>The palette is opaque on purpose: given a colour model with alpha, the JDK writer reorders the
     * palette (transparent entries first) and renumbers the pixels, so the file's pixel values would no
     * longer be class indices. Transparency is added as an explicit tRNS chunk instead ({@link #addNoData}).
     */
    private static IndexColorModel palette(List<String> classNames, boolean withNoData) {
        int[] colours = ClassPalette.colorsFor(classNames);
        int size = withNoData ? MaskValues.NO_DATA + 1 : colours.length;
        byte[] reds = new byte[size];
        byte[] greens = new byte[size];
        byte[] blues = new byte[size];
        for (int i = 0; i < colours.length; i++) {
            reds[i] = (byte) (colours[i] >> 16);
            greens[i] = (byte) (colours[i] >> 8);
            blues[i] = (byte) colours[i];
        }
        return new IndexColorModel(8, size, reds, greens, blues);
    }

    /** A tRNS chunk making palette entry {@link MaskValues#NO_DATA} fully transparent, every other opaque. */
    private static void addNoData(IIOMetadata metadata) throws IIOInvalidTreeException {
        IIOMetadataNode entries = new IIOMetadataNode("tRNS_Palette");
        for (int i = 0; i <= MaskValues.NO_DATA; i++) {
            IIOMetadataNode entry = new IIOMetadataNode("tRNS_PaletteEntry");
            entry.setAttribute("index", Integer.toString(i));
            entry.setAttribute("alpha", i == MaskValues.NO_DATA ? "0" : "255");
            entries.appendChild(entry);
        }
        IIOMetadataNode trns = new IIOMetadataNode("tRNS");
        trns.appendChild(entries);
        IIOMetadataNode root = new IIOMetadataNode(PNG_METADATA_FORMAT);
        root.appendChild(trns);
        metadata.mergeTree(PNG_METADATA_FORMAT, root);
    }

    private static boolean containsNoData(byte[] mask) {
        for (byte v : mask) {
            if ((v & 0xFF) == MaskValues.NO_DATA) {
                return true;
            }
        }
        return false;
    }

    private static void addClassNames(IIOMetadata metadata, List<String> classNames) throws IIOInvalidTreeException {
        IIOMetadataNode entry = new IIOMetadataNode("tEXtEntry");
        entry.setAttribute("keyword", CLASSES_KEYWORD);
        entry.setAttribute("value", String.join(",", classNames));
        IIOMetadataNode text = new IIOMetadataNode("tEXt");
        text.appendChild(entry);
        IIOMetadataNode root = new IIOMetadataNode(PNG_METADATA_FORMAT);
        root.appendChild(text);
        metadata.mergeTree(PNG_METADATA_FORMAT, root);
    }
}
