package io.satstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class ConsoleProgressTest {

    private final StringWriter sink = new StringWriter();
    private final AtomicLong nanos = new AtomicLong();

    private ConsoleProgress progress(boolean redraw, int columns) {
        return new ConsoleProgress(new PrintWriter(sink), redraw, Duration.ofSeconds(5), columns, nanos::get);
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void withoutTerminalPrintsTheFirstStatusThenAtMostOneLinePerInterval() {
        ConsoleProgress p = progress(false, Integer.MAX_VALUE);
        p.update("1 done");
        advance(Duration.ofSeconds(1));
        p.update("2 done");
        advance(Duration.ofSeconds(3));
        p.update("3 done");
        advance(Duration.ofMillis(1500));
        p.update("4 done");
        p.update("5 done");
        assertThat(sink.toString().lines()).containsExactly("1 done", "4 done");
        assertThat(sink.toString()).doesNotContain("\r");
    }

    @Test
    void permanentLinesAndTheFinalLineAlwaysAppear() {
        ConsoleProgress p = progress(false, Integer.MAX_VALUE);
        p.update("1 done");
        p.println("warning: something");
        p.update("2 done");
        p.finish("all 2 done");
        assertThat(sink.toString().lines()).containsExactly("1 done", "warning: something", "all 2 done");
    }

    @Test
    void onTerminalRedrawsOneLineInPlace() {
        ConsoleProgress p = progress(true, 80);
        p.update("1 done");
        advance(Duration.ofMillis(50));
        p.update("2 done"); // too soon: not drawn
        advance(Duration.ofMillis(300));
        p.update("3 done");
        p.finish("all 3 done");
        String text = sink.toString();
        assertThat(text).isEqualTo("\r1 done\033[K" + "\r3 done\033[K" + "\r\033[K" + "all 3 done" + System.lineSeparator());
    }

    @Test
    void onTerminalAPermanentLineGoesAboveTheStatus() {
        ConsoleProgress p = progress(true, 80);
        p.update("working");
        p.println("warning: x");
        assertThat(sink.toString()).endsWith("\r\033[Kwarning: x" + System.lineSeparator() + "working");
    }

    @Test
    void onTerminalLongStatusIsCutToTheWidthSoItNeverWraps() {
        ConsoleProgress p = progress(true, 20);
        p.update("x".repeat(200));
        String drawn = sink.toString().replace("\r", "").replace("\033[K", "");
        assertThat(drawn).hasSize(19).endsWith("…");
    }

    @Test
    void closeEndsARedrawnLine() {
        ConsoleProgress p = progress(true, 80);
        p.update("working");
        p.close();
        assertThat(sink.toString()).endsWith("working\033[K" + System.lineSeparator());
    }
}
