package io.satstream.raster.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;

import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.spi.ImageWriterSpi;

/**
 * Picks the JDK's own ImageIO plugins by SPI class name. Other plugins on the classpath (TwelveMonkeys, for
 * one) register ahead of the JDK ones and behave differently (STACK.md Part 3, pitfall 7), so "whatever
 * ImageIO returns first" is not reproducible. The classes live in a non-exported JDK package, hence names.
 */
public final class ImageIoPlugins {
    public static final String PNG_READER = "com.sun.imageio.plugins.png.PNGImageReaderSpi";
    public static final String JPEG_READER = "com.sun.imageio.plugins.jpeg.JPEGImageReaderSpi";
    public static final String TIFF_READER = "com.sun.imageio.plugins.tiff.TIFFImageReaderSpi";
    public static final String PNG_WRITER = "com.sun.imageio.plugins.png.PNGImageWriterSpi";
    public static final String TIFF_WRITER = "com.sun.imageio.plugins.tiff.TIFFImageWriterSpi";

    private ImageIoPlugins() {}

    public static ImageReader reader(String spiClassName) {
        ImageReaderSpi spi = find(ImageReaderSpi.class, spiClassName);
        try {
            return spi.createReaderInstance();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + spiClassName, e);
        }
    }

    public static ImageWriter writer(String spiClassName) {
        ImageWriterSpi spi = find(ImageWriterSpi.class, spiClassName);
        try {
            return spi.createWriterInstance();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + spiClassName, e);
        }
    }

    private static <T> T find(Class<T> category, String className) {
        Iterator<T> providers = IIORegistry.getDefaultInstance().getServiceProviders(category, false);
        while (providers.hasNext()) {
            T spi = providers.next();
            if (spi.getClass().getName().equals(className)) {
                return spi;
            }
        }
        throw new IllegalStateException("the JDK ImageIO plugin " + className + " is not registered in this JVM");
    }
}
