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

/**
 * A class mask as an indexed-colour PNG a person can look at: pixel value = class index, the palette gives
 * each class its {@link ClassPalette} colour, and a {@code tEXt} chunk ({@value #CLASSES_KEYWORD}) lists the
 * class names, comma-separated, so the file explains itself.
 */
public final class MaskPng {
    public static final String CLASSES_KEYWORD = "classes";
    private static final String PNG_METADATA_FORMAT = "javax_imageio_png_1.0";

    private MaskPng() {}

    /**
     * @param mask one class index per pixel, row-major; every value must be below {@code classNames.size()}
     * @throws IllegalArgumentException when the buffer does not match the size or holds a value with no class
     */
    public static byte[] encode(byte[] mask, int width, int height, List<String> classNames) {
        Objects.requireNonNull(classNames, "classNames");
        if (classNames.isEmpty() || classNames.size() > 256) {
            throw new IllegalArgumentException("an indexed PNG holds 1..256 classes, got " + classNames.size());
        }
        MaskValidation.check(mask, width, height, classNames.size());
        int[] colours = ClassPalette.colorsFor(classNames);
        byte[] reds = new byte[colours.length];
        byte[] greens = new byte[colours.length];
        byte[] blues = new byte[colours.length];
        for (int i = 0; i < colours.length; i++) {
            reds[i] = (byte) (colours[i] >> 16);
            greens[i] = (byte) (colours[i] >> 8);
            blues[i] = (byte) colours[i];
        }
        IndexColorModel palette = new IndexColorModel(8, colours.length, reds, greens, blues);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED, palette);
        byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        System.arraycopy(mask, 0, data, 0, mask.length);

        ImageWriter writer = ImageIoPlugins.writer(ImageIoPlugins.PNG_WRITER);
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(mask.length / 8 + 1024);
                ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image),
                    null);
            addClassNames(metadata, classNames);
            writer.write(null, new IIOImage(image, null, metadata), null);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode mask PNG", e);
        } finally {
            writer.dispose();
        }
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
