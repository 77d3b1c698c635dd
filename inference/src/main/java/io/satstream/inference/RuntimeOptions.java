package io.satstream.inference;

/** Thread settings of an inference runtime; 0 lets the runtime choose. */
public record RuntimeOptions(int intraOpThreads, int interOpThreads) {

    public RuntimeOptions {
        if (intraOpThreads < 0 || interOpThreads < 0) {
            throw new IllegalArgumentException("thread counts must be >= 0 (0 = runtime default), got intra="
                    + intraOpThreads + " inter=" + interOpThreads);
        }
    }

    /** One inter-op thread and up to two intra-op threads: what measured best for this small net on CPU. */
    public static RuntimeOptions defaults() {
        return new RuntimeOptions(Math.min(2, Runtime.getRuntime().availableProcessors()), 1);
    }
}
