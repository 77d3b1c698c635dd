package io.satstream.raster.internal;

import java.io.EOFException;

/** Turns the exceptions ImageIO throws into the one-line reasons a {@code RasterDecodeException} carries. */
final class Failures {
    private Failures() {}

    /** True when the data ended early somewhere down the cause chain. */
    static boolean endedEarly(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof EOFException) {
                return true;
            }
            String message = c.getMessage();
            if (message != null && (message.contains("Unexpected end of") || message.contains("Premature end"))) {
                return true;
            }
        }
        return false;
    }

    /** The top-level message, plus the root cause's when it adds something, on one line. */
    static String reason(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String top = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        String text = top;
        if (root != t) {
            String rootMessage = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
            if (!top.contains(rootMessage)) {
                text = top + ": " + rootMessage;
            }
        }
        return text.replaceAll("\\s+", " ").strip();
    }
}
