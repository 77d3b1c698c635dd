package io.satstream.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.satstream.app.bench.SwapBenchAnalysis.Numbers;
import io.satstream.app.bench.SwapBenchAnalysis.Out;
import io.satstream.app.bench.SwapBenchAnalysis.Sent;
import io.satstream.app.bench.SwapBenchAnalysis.Swap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The rules of {@code bench swap}'s numbers on hand-made records. */
class SwapBenchAnalysisTest {
    private static final String A = "unet@1";
    private static final String B = "unet@2";

    @Test
    void classesTilesByWhenTheyWereProducedAndTimesEachSwapByItsLastSubtask() {
        // tiles every 100 ms from t=0; warm-up before 1000; swap 1 published at 2000, swap 2 at 4000; windows 1000 ms
        List<Sent> sent = new ArrayList<>();
        List<Out> out = new ArrayList<>();
        List<Swap> swaps = List.of(new Swap(1, A, B, 2000), new Swap(2, B, A, 4000));
        for (int i = 0; i < 60; i++) {
            long at = i * 100L;
            sent.add(new Sent("t" + i, at));
            int subtask = i % 2;
            long generation = at < 2300 + 200 * subtask ? 0 : at < 4500 ? 1 : 2;
            long latency = SwapBenchAnalysis.windowOf(at, swaps, 1000) >= 0 ? 300 : 100;
            out.add(new Out("t" + i, false, at + latency, subtask, generation, generation == 1 ? B : A));
        }
        Numbers n = SwapBenchAnalysis.analyse(sent, out, swaps, A, 1000, 1000, 2);

        assertThat(n.warmupTiles()).isEqualTo(10);
        assertThat(n.swapMs()).hasSize(20).containsOnly(300.0);
        assertThat(n.steadyMs()).hasSize(30).containsOnly(100.0);
        assertThat(n.steadyP99()).isEqualTo(100.0);
        assertThat(n.swapP99()).isEqualTo(300.0);
        assertThat(n.lost()).isZero();
        assertThat(n.duplicated()).isZero();
        assertThat(n.versionMismatches()).isZero();
        // swap 1: subtask 0's first generation-1 record is tile 24 (2400 + 300), subtask 1's is tile 25 (2500 + 300)
        assertThat(n.swaps().get(0).subtaskSwitchMs()).isEqualTo(Map.of(0, 700L, 1, 800L));
        assertThat(n.swaps().get(0).promoteToSwitchMs()).isEqualTo(800);
        // swap 2: tile 46 (4600 + 300) and tile 45 (4500 + 300)
        assertThat(n.swaps().get(1).subtaskSwitchMs()).isEqualTo(Map.of(0, 900L, 1, 800L));
        assertThat(n.promoteToSwitchMax()).isEqualTo(900);
        assertThat(n.promoteToSwitchMedian()).isEqualTo(850.0);
        assertThat(n.swaps().get(0).windowTiles()).isEqualTo(10);
    }

    @Test
    void namesEachWindowsSlowestTileWithWhenItWasSentAndWhoServedIt() {
        List<Swap> swaps = List.of(new Swap(1, A, B, 1000));
        List<Sent> sent = List.of(new Sent("early", 1100), new Sent("stalled", 1400), new Sent("late", 1800),
                new Sent("steady", 2500));
        List<Out> out = List.of(new Out("early", false, 1250, 0, 0, A), new Out("stalled", false, 2300, 1, 1, B),
                new Out("late", false, 1950, 0, 1, B), new Out("steady", false, 4000, 0, 1, B));
        Numbers n = SwapBenchAnalysis.analyse(sent, out, swaps, A, 0, 1000, 2);
        // the steady tile is slower still, but outside the window
        assertThat(n.swaps().get(0).slowest()).isEqualTo(new SwapBenchAnalysis.Slowest(900, 400, 1));
    }

    @Test
    void countsLostDuplicatedRejectedUnexpectedAndWrongVersions() {
        List<Sent> sent = List.of(new Sent("a", 10), new Sent("b", 20), new Sent("c", 30), new Sent("d", 40));
        List<Out> out = List.of(
                new Out("a", false, 50, 0, 0, A),
                new Out("a", false, 60, 1, 0, A),        // duplicate
                new Out("b", true, 70, -1, -1, ""),      // to the DLQ: counted as out, not timed
                new Out("c", false, 80, 0, 1, A),        // generation 1 must be B
                new Out("c", false, 85, 1, 1, B),        // and a duplicate
                new Out("zzz", false, 90, 0, 0, A));     // never sent
        Numbers n = SwapBenchAnalysis.analyse(sent, out, List.of(new Swap(1, A, B, 75)), A, 0, 1000, 2);

        assertThat(n.lost()).isEqualTo(1); // d
        assertThat(n.duplicated()).isEqualTo(2);
        assertThat(n.rejected()).isEqualTo(1);
        assertThat(n.unexpected()).isEqualTo(1);
        assertThat(n.versionMismatches()).isEqualTo(1);
        assertThat(n.steadyMs()).containsExactly(40.0, 50.0); // a (its first record) and c, both before the swap
        assertThat(n.swapMs()).isEmpty();
        assertThat(n.swapP99()).isNaN();
    }

    @Test
    void aSubtaskThatNeverServedTheSwapIsAnError() {
        List<Sent> sent = List.of(new Sent("a", 10), new Sent("b", 20));
        List<Out> out = List.of(new Out("a", false, 50, 0, 1, B), new Out("b", false, 60, 1, 0, A));
        assertThatThrownBy(() -> SwapBenchAnalysis.analyse(sent, out, List.of(new Swap(1, A, B, 30)), A, 0, 1000, 2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("subtask 1");
    }

    @Test
    void percentilesAreNearestRank() {
        double[] v = new double[100];
        for (int i = 0; i < 100; i++) {
            v[i] = i + 1;
        }
        assertThat(SwapBenchAnalysis.percentile(v, 50)).isEqualTo(50.0);
        assertThat(SwapBenchAnalysis.percentile(v, 99)).isEqualTo(99.0);
        assertThat(SwapBenchAnalysis.median(new double[] {3, 1, 2, 10})).isEqualTo(2.5);
    }
}
