package io.satstream.app;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * One live status line for long-running commands.
 *
 * <p>On a terminal the line is redrawn in place (carriage return + clear to end of line), at most a few
 * times a second, and cut to the terminal width so it never wraps. Anywhere else (a pipe, a log file,
 * CI) it prints the status as a normal line, at most once per interval, so logs stay short.
 * {@link #println} puts a permanent line above the status; {@link #finish} leaves a final line.
 * Thread-safe.
 */
public final class ConsoleProgress implements AutoCloseable {

    /** How often a status line is printed when the output is not a terminal. */
    public static final Duration DEFAULT_LINE_INTERVAL = Duration.ofSeconds(5);

    private static final long REDRAW_INTERVAL_NANOS = Duration.ofMillis(200).toNanos();
    private static final String CLEAR_TO_END_OF_LINE = "\033[K";

    private final PrintWriter out;
    private final boolean redraw;
    private final long lineIntervalNanos;
    private final int columns;
    private final LongSupplier nanoClock;

    private String status = "";
    private boolean statusShown;
    private boolean everDrawn;
    private long lastDrawnAt;

    ConsoleProgress(PrintWriter out, boolean redraw, Duration lineInterval, int columns, LongSupplier nanoClock) {
        this.out = Objects.requireNonNull(out, "out");
        this.redraw = redraw;
        this.lineIntervalNanos = lineInterval.toNanos();
        this.columns = columns;
        this.nanoClock = nanoClock;
    }

    /**
     * Redraws in place when this JVM runs on an interactive terminal (and {@code SATSTREAM_PROGRESS}
     * is not {@code plain}), else prints a line every {@link #DEFAULT_LINE_INTERVAL}.
     */
    public static ConsoleProgress forConsole(PrintWriter out) {
        boolean terminal = System.console() != null && !"plain".equalsIgnoreCase(System.getenv("SATSTREAM_PROGRESS"));
        return terminal ? redrawing(out) : lines(out, DEFAULT_LINE_INTERVAL);
    }

    /** Always redraws one line in place; width from {@code COLUMNS} (exported by the launcher), else 100. */
    public static ConsoleProgress redrawing(PrintWriter out) {
        return new ConsoleProgress(out, true, DEFAULT_LINE_INTERVAL, terminalColumns(), System::nanoTime);
    }

    /** Always prints plain lines, at most one per {@code interval}. */
    public static ConsoleProgress lines(PrintWriter out, Duration interval) {
        return new ConsoleProgress(out, false, interval, Integer.MAX_VALUE, System::nanoTime);
    }

    /** Replaces the status; shown now if the last one was shown long enough ago. */
    public synchronized void update(String newStatus) {
        status = newStatus == null ? "" : newStatus;
        long now = nanoClock.getAsLong();
        long interval = redraw ? REDRAW_INTERVAL_NANOS : lineIntervalNanos;
        if (!everDrawn || now - lastDrawnAt >= interval) {
            draw(now);
        }
    }

    /** Prints a permanent line; on a terminal the status line is redrawn below it. */
    public synchronized void println(String line) {
        if (redraw && statusShown) {
            out.print("\r" + CLEAR_TO_END_OF_LINE);
            out.println(line);
            out.print(fit(status));
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Prints {@code finalStatus} as a permanent line (always, whatever the interval) and clears the status. */
    public synchronized void finish(String finalStatus) {
        if (redraw && statusShown) {
            out.print("\r" + CLEAR_TO_END_OF_LINE);
        }
        out.println(finalStatus);
        out.flush();
        status = "";
        statusShown = false;
    }

    /** Ends a redrawn status line with a newline so the shell prompt starts on a fresh line. */
    @Override
    public synchronized void close() {
        if (redraw && statusShown) {
            out.println();
            out.flush();
            statusShown = false;
        }
    }

    private void draw(long now) {
        if (redraw) {
            out.print("\r" + fit(status) + CLEAR_TO_END_OF_LINE);
            statusShown = true;
        } else if (!status.isEmpty()) {
            out.println(status);
        }
        out.flush();
        everDrawn = true;
        lastDrawnAt = now;
    }

    private String fit(String text) {
        int max = Math.max(10, columns - 1);
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    private static int terminalColumns() {
        try {
            String columns = System.getenv("COLUMNS");
            return columns == null ? 100 : Integer.parseInt(columns.trim());
        } catch (NumberFormatException e) {
            return 100;
        }
    }
}
