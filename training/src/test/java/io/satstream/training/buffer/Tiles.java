package io.satstream.training.buffer;

import java.util.Arrays;

/** Tiles for buffer tests: every pixel one value, so that a sampled pixel tells which tile it came from. */
final class Tiles {

    private Tiles() {
    }

    /** A {@code size x size} tile whose pixels are all {@code value}, with no labels. */
    static BufferEntry uniform(String id, int size, int bands, int value) {
        return uniform(id, size, bands, value, -1);
    }

    /** As {@link #uniform(String, int, int, int)}, with every label {@code label} (none when negative). */
    static BufferEntry uniform(String id, int size, int bands, int value, int label) {
        byte[] pixels = new byte[bands * size * size];
        Arrays.fill(pixels, (byte) value);
        byte[] labels = null;
        if (label >= 0) {
            labels = new byte[size * size];
            Arrays.fill(labels, (byte) label);
        }
        return BufferEntry.of(id, size, size, bands, pixels, labels);
    }

    /** Tile {@code "t" + i}, pixel value {@code i % 256}: its id can be checked against its pixels. */
    static BufferEntry numbered(int i, int size, int bands) {
        return uniform(id(i), size, bands, i % 256);
    }

    static String id(int i) {
        return "t" + i;
    }

    /** The {@code i} of {@link #numbered}'s id. */
    static int number(String id) {
        return Integer.parseInt(id.substring(1));
    }
}
