package io.satstream.app.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns what {@link SwapBenchmark} sent and read back into its numbers. Pure: no clock, no I/O, so the rules are
 * checked on their own ({@code SwapBenchAnalysisTest}). Every time is a Kafka record timestamp (CreateTime) in
 * epoch milliseconds, all taken on this machine's clock.
 */
final class SwapBenchAnalysis {

    /** A tile the feed produced: its id and the CreateTime of its {@code tiles} record. */
    record Sent(String tileId, long timestamp) {}

    /**
     * A committed output record: a segmentation (with the headers of the version, subtask and generation that made
     * it) or, when {@code rejected}, a {@code tiles-dlq} record (no headers needed).
     */
    record Out(String tileId, boolean rejected, long timestamp, int subtask, long generation, String version) {}

    /** Swap {@code index} (1-based): the PROMOTED event of {@code to}, published at {@code publishedAt}. */
    record Swap(int index, String from, String to, long publishedAt) {}

    /**
     * One swap's numbers. {@code slowest} is the window's slowest tile, to tell a stall at the switch from one that
     * merely fell into the window.
     */
    record SwapNumbers(Swap swap, long promoteToSwitchMs, Map<Integer, Long> subtaskSwitchMs, int windowTiles,
            double windowP50Ms, double windowP99Ms, Slowest slowest) {}

    /**
     * A window's slowest tile: its latency, when it was produced (ms after the promotion was published) and the
     * generation that served it (the swap's own, or the one before).
     */
    record Slowest(double latencyMs, long producedAfterPromoteMs, long generation) {}

    /** Everything the benchmark reports, before formatting. */
    record Numbers(int sent, int warmupTiles, double[] steadyMs, double[] swapMs, List<SwapNumbers> swaps, int lost,
            int duplicated, int unexpected, int rejected, int versionMismatches) {

        double steadyP50() {
            return percentile(steadyMs, 50);
        }

        double steadyP99() {
            return percentile(steadyMs, 99);
        }

        double swapP50() {
            return percentile(swapMs, 50);
        }

        double swapP99() {
            return percentile(swapMs, 99);
        }

        long promoteToSwitchMax() {
            return swaps.stream().mapToLong(SwapNumbers::promoteToSwitchMs).max().orElse(0);
        }

        double promoteToSwitchMedian() {
            return median(swaps.stream().mapToDouble(SwapNumbers::promoteToSwitchMs).toArray());
        }
    }

    private SwapBenchAnalysis() {}

    /**
     * @param sent every tile the feed produced
     * @param out every committed record of {@code segmentations} and {@code tiles-dlq}
     * @param swaps the promotions, in order; swap k makes each subtask's generation k
     * @param startVersion the version every subtask served at generation 0
     * @param steadyFrom tiles produced before this are warm-up: counted for lost and duplicated, not timed
     * @param windowMs a tile produced within this long from a swap's publish is in that swap's window
     * @param subtasks the inference subtasks: each must have served every swap's generation
     * @throws IllegalStateException when a subtask never served a swap's generation
     */
    static Numbers analyse(List<Sent> sent, List<Out> out, List<Swap> swaps, String startVersion, long steadyFrom,
            long windowMs, int subtasks) {
        Map<String, Long> sentAt = new HashMap<>();
        for (Sent s : sent) {
            sentAt.put(s.tileId(), s.timestamp());
        }
        // lost, duplicated, unexpected: over both output topics together
        Map<String, Integer> seen = new HashMap<>();
        int unexpected = 0;
        int rejected = 0;
        for (Out o : out) {
            if (!sentAt.containsKey(o.tileId())) {
                unexpected++;
                continue;
            }
            if (seen.merge(o.tileId(), 1, Integer::sum) == 1 && o.rejected()) {
                rejected++;
            }
        }
        int lost = 0;
        int duplicated = 0;
        for (String id : sentAt.keySet()) {
            int n = seen.getOrDefault(id, 0);
            if (n == 0) {
                lost++;
            }
            duplicated += Math.max(0, n - 1);
        }

        // which version each generation must be served by
        List<String> order = new ArrayList<>();
        order.add(startVersion);
        swaps.forEach(s -> order.add(s.to()));
        int mismatches = 0;
        for (Out o : out) {
            if (!o.rejected() && (o.generation() < 0 || o.generation() >= order.size()
                    || !order.get((int) o.generation()).equals(o.version()))) {
                mismatches++;
            }
        }

        // latency of each tile's first segmentation, classed by when the tile was produced
        List<Double> steady = new ArrayList<>();
        List<Double> inSwap = new ArrayList<>();
        List<List<Double>> perWindow = new ArrayList<>();
        swaps.forEach(s -> perWindow.add(new ArrayList<>()));
        Slowest[] slowest = new Slowest[swaps.size()];
        Set<String> timed = new HashSet<>();
        int warmup = 0;
        for (Sent s : sent) {
            if (s.timestamp() < steadyFrom) {
                warmup++;
            }
        }
        for (Out o : out) {
            Long at = sentAt.get(o.tileId());
            if (o.rejected() || at == null || !timed.add(o.tileId()) || at < steadyFrom) {
                continue;
            }
            double latency = o.timestamp() - at;
            int window = windowOf(at, swaps, windowMs);
            if (window < 0) {
                steady.add(latency);
            } else {
                inSwap.add(latency);
                perWindow.get(window).add(latency);
                if (slowest[window] == null || latency > slowest[window].latencyMs()) {
                    slowest[window] = new Slowest(latency, at - swaps.get(window).publishedAt(), o.generation());
                }
            }
        }

        // promote → switch: per subtask, the earliest record of the new generation (or a later one)
        List<SwapNumbers> swapNumbers = new ArrayList<>();
        for (int k = 0; k < swaps.size(); k++) {
            Swap swap = swaps.get(k);
            Map<Integer, Long> first = new TreeMap<>();
            for (Out o : out) {
                if (!o.rejected() && o.generation() >= swap.index()) {
                    first.merge(o.subtask(), o.timestamp(), Math::min);
                }
            }
            Map<Integer, Long> switchMs = new TreeMap<>();
            for (int s = 0; s < subtasks; s++) {
                Long at = first.get(s);
                if (at == null) {
                    throw new IllegalStateException("subtask " + s + " committed nothing served by swap "
                            + swap.index() + " (" + swap.to() + ")");
                }
                switchMs.put(s, at - swap.publishedAt());
            }
            double[] w = sorted(perWindow.get(k));
            swapNumbers.add(new SwapNumbers(swap, switchMs.values().stream().mapToLong(Long::longValue).max()
                    .orElse(0), switchMs, w.length, percentile(w, 50), percentile(w, 99), slowest[k]));
        }
        return new Numbers(sentAt.size(), warmup, sorted(steady), sorted(inSwap), swapNumbers, lost, duplicated,
                unexpected, rejected, mismatches);
    }

    /** The index of the swap whose window holds {@code at}, or -1 (steady). */
    static int windowOf(long at, List<Swap> swaps, long windowMs) {
        for (int i = swaps.size() - 1; i >= 0; i--) {
            long from = swaps.get(i).publishedAt();
            if (at >= from && at < from + windowMs) {
                return i;
            }
        }
        return -1;
    }

    /** Nearest-rank percentile of sorted values; NaN when there are none. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double[] sorted(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }
}
