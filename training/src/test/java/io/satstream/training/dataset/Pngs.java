package io.satstream.training.dataset;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntBinaryOperator;
import javax.imageio.ImageIO;

/** Writes small test images: RGB from a colour function, grey from a value function. */
final class Pngs {

    private Pngs() {
    }

    static Path rgb(Path file, int w, int h, IntBinaryOperator rgbAt) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rgbAt.applyAsInt(x, y));
            }
        }
        return write(img, file);
    }

    static Path grey(Path file, int w, int h, IntBinaryOperator valueAt) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, valueAt.applyAsInt(x, y));
            }
        }
        return write(img, file);
    }

    private static Path write(BufferedImage img, Path file) {
        try {
            Files.createDirectories(file.getParent());
            String name = file.getFileName().toString();
            String format = name.endsWith(".jpg") ? "jpg" : name.endsWith(".tif") ? "tiff" : "png";
            if (!ImageIO.write(img, format, file.toFile())) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
