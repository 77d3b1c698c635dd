package io.satstream.app;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns Ctrl-C / SIGTERM into an orderly stop for a command that runs until stopped.
 *
 * <p>{@link #install} registers a JVM shutdown hook. When the signal comes, the hook runs
 * {@code onStop} (e.g. {@code consumer::wakeup}) and then waits, up to the grace period, until the
 * command's main thread has cleaned up and called {@link #close()}; only then may the JVM halt. Used in
 * a try-with-resources block, {@link #close()} also unregisters the hook when the command ends on its own.
 */
public final class ShutdownSignal implements AutoCloseable {

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    private ShutdownSignal(String name, Duration grace, Runnable onStop) {
        this.hook = new Thread(() -> {
            stopRequested.countDown();
            try {
                onStop.run();
            } finally {
                try {
                    finished.await(grace.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, name + "-shutdown");
    }

    /** Registers the hook; {@code onStop} runs on the hook thread and must not block for long. */
    public static ShutdownSignal install(String name, Duration grace, Runnable onStop) {
        ShutdownSignal signal = new ShutdownSignal(name, grace, onStop);
        Runtime.getRuntime().addShutdownHook(signal.hook);
        return signal;
    }

    /** Registers a hook that only wakes {@link #await()}. */
    public static ShutdownSignal install(String name, Duration grace) {
        return install(name, grace, () -> {});
    }

    /** True once the JVM has been asked to stop. */
    public boolean requested() {
        return stopRequested.getCount() == 0;
    }

    /** Blocks until the JVM is asked to stop. */
    public void await() throws InterruptedException {
        stopRequested.await();
    }

    /** Tells the hook that cleanup is done; unregisters it when no stop was requested. */
    @Override
    public void close() {
        finished.countDown();
        if (!requested()) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is exiting anyway (System.exit elsewhere); the hook finds 'finished' counted down.
            }
        }
    }
}
