package io.satstream.app;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.satstream.ingest.FeedRunner;
import io.satstream.ingest.TileProducer;
import io.satstream.ingest.ledger.SceneIngestRunner;
import io.satstream.ingest.synthetic.SyntheticFeed;

/**
 * The demo's live feed, on its own thread: synthetic tiles at a rate (a plain producer), or an exactly-once
 * scene feed ({@code dir:}, {@code stac:}) whose refused scenes go to the dead-letter topic. {@link #stop}
 * lets the scene in flight finish (its transaction commits) before the feed's producer, ledger and writer
 * close. A feed that fails stops alone; the demo goes on and its status line says so.
 */
final class DemoFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoFeed.class);

    /** The feed's loop; returns when stopped or exhausted. */
    @FunctionalInterface
    private interface Pump {
        void run() throws InterruptedException;
    }

    private final String name;
    private final Thread thread;
    private final Runnable stopper;
    private final AutoCloseable resources;
    private final Supplier<String> status;
    private volatile String failure;
    private volatile boolean stopping;
    private boolean closed;

    private DemoFeed(String name, Pump pump, Runnable stopper, AutoCloseable resources, Supplier<String> status) {
        this.name = name;
        this.stopper = stopper;
        this.resources = resources;
        this.status = status;
        this.thread = new Thread(() -> {
            try {
                pump.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.error("{} stopped", name, e);
                failure = e.getMessage() == null ? e.toString() : e.getMessage().replaceAll("\\s+", " ");
            }
        }, name);
        this.thread.setDaemon(true);
    }

    /** Synthetic 256-pixel tiles at {@code rate} per second into {@code topic}. */
    static DemoFeed synthetic(String bootstrap, String topic, double rate) {
        String runId = Long.toString(System.currentTimeMillis(), 36);
        TileProducer producer = new TileProducer(bootstrap, topic);
        SyntheticFeed source = new SyntheticFeed(runId, System.nanoTime(), 256, -1);
        FeedRunner runner = FeedRunner.builder(source, producer).rate(rate).build();
        return new DemoFeed("synthetic-feed", runner::run, runner::stop, () -> {
            try (producer; source) {
                // close both, the producer last
            }
        }, () -> "");
    }

    /** An exactly-once scene feed; its status says how many scenes went out and how many were refused. */
    static DemoFeed scenes(String name, ExactlyOnceFeed<?> feed) {
        AtomicReference<SceneIngestRunner.Progress> last = new AtomicReference<>();
        SceneIngestRunner runner = new SceneIngestRunner(feed.feed(), feed.writer(), Duration.ofSeconds(1), last::set);
        return new DemoFeed(name, runner::run, runner::stop, feed, () -> {
            SceneIngestRunner.Progress p = last.get();
            return p == null ? "scenes …" : String.format(Locale.ROOT, "scenes %d (refused %d)", p.committed(),
                    p.rejected());
        });
    }

    DemoFeed start() {
        thread.start();
        return this;
    }

    /** The feed's part of the status line (empty for synthetic tiles), or why it stopped. */
    String status() {
        String f = failure;
        if (f != null) {
            return name + " stopped: " + f;
        }
        String s = status.get();
        // a static catalogue ends by itself: say so, as the demo goes on segmenting
        return !stopping && thread.getState() == Thread.State.TERMINATED && !s.isEmpty() ? s + ", feed done" : s;
    }

    /**
     * Asks the feed to stop after the scene or tile in flight and waits up to {@code timeout} for it, then
     * closes what it holds.
     */
    void stop(Duration timeout) throws InterruptedException {
        if (closed) {
            return;
        }
        stopping = true;
        stopper.run();
        thread.join(timeout.toMillis());
        if (thread.isAlive()) {
            LOG.warn("{} did not stop within {} s; closing it anyway", name, timeout.toSeconds());
        }
        closed = true;
        try {
            resources.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed: {}", name, e.toString());
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop(Duration.ofSeconds(30));
    }
}
