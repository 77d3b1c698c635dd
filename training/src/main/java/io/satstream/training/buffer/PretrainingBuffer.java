package io.satstream.training.buffer;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.satstream.training.engine.TrainingEngine;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A replay buffer of recent satellite tiles held in device memory, from which a trainer draws batches for
 * self-supervised objectives while a streaming job keeps feeding it.
 *
 * <p><b>Shape.</b> Every slot holds {@code bands x slotSize x slotSize} uint8 pixels and {@code slotSize x slotSize}
 * uint8 labels ({@link BufferOptions}). A tile with another band count, or narrower or lower than a slot, is refused
 * ({@code shape}). A larger tile is cut to a slot by a <em>random crop</em>, its position drawn from the buffer's
 * seeded {@link Random}; its labels are cut with the same window. Tiles without labels are stored with all labels
 * 255 (ignore) and a flag saying so.
 *
 * <p><b>Threads.</b> Two roles:
 * <ul>
 *   <li><em>Writers</em> call {@link #offer}: thread-safe, and it never waits for the consumer nor for the device. It
 *       decides admission ({@link AdmissionPolicy}), copies the tile's window into a preallocated host staging ring
 *       under a small intake lock, and returns. If the consumer drains too slowly the ring overwrites its oldest tile
 *       (counted as replaced) instead of growing or blocking. The lock is shared with the consumer only while staged
 *       tiles are handed over by swapping references, never during device work.</li>
 *   <li><em>One consumer</em> (the trainer's thread) calls {@link #drain}, {@link #sample}, {@link #awaitSample},
 *       {@link #storedTiles} and {@link #close}. Staged tiles reach the device arrays only there, at the start of each
 *       sample, so DJL arrays are used from one thread. These methods are not thread-safe; two threads inside them at
 *       once get a {@link ConcurrentModificationException}.</li>
 * </ul>
 * {@link #stats()}, {@link #capacity()}, {@link #device()} and {@link #options()} may be called from any thread.
 *
 * <p><b>Sampling</b> draws each sample independently and uniformly among the filled slots, <em>with replacement</em>:
 * a batch may hold a tile twice, and may be larger than the number of stored tiles.
 *
 * <p><b>Memory.</b> The slots live in one manager of the {@link TrainingEngine}, on its {@link TrainingEngine#device()
 * device}, freed by {@link #close()}. Each batch is attached to the manager the caller passes to {@code sample}.
 */
public final class PretrainingBuffer implements AutoCloseable {

    /** Mixed into the seed so that crops and sampling draw from streams of their own, independent of admission. */
    private static final long CROP_SALT = 0x9E3779B97F4A7C15L;
    private static final long SAMPLE_SALT = 0xC2B2AE3D27D4EB4FL;

    private final BufferOptions options;
    private final InstantSource clock;
    private final BufferMetrics metrics = new BufferMetrics();

    // Writer side, guarded by intakeLock.
    private final Object intakeLock = new Object();
    private final Admission admission;
    private final Random cropRandom;
    private final StagingRing staging;

    // Consumer side.
    private final SlotStore store;
    private final StagedTile[] exchange;
    private final Random sampleRandom;
    private final AtomicReference<Thread> consumer = new AtomicReference<>();
    private volatile Thread waitingConsumer;
    private volatile boolean closed;

    /** A buffer on this JVM's {@link TrainingEngine#shared() shared engine}, timed by the system clock. */
    public PretrainingBuffer(BufferOptions options) {
        this(options, TrainingEngine.shared(), InstantSource.system());
    }

    /**
     * A buffer whose slots are allocated at once on {@code engine}'s device.
     *
     * @param clock admission times and sample ages
     * @throws io.satstream.training.engine.TrainingEngineException if the engine's self-check failed
     */
    public PretrainingBuffer(BufferOptions options, TrainingEngine engine, InstantSource clock) {
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(engine, "engine");
        int slots = options.slots();
        this.admission = Admission.of(options.admission(), slots, new Random(options.seed()));
        this.cropRandom = new Random(options.seed() ^ CROP_SALT);
        this.sampleRandom = new Random(options.seed() ^ SAMPLE_SALT);
        this.staging = new StagingRing(options.stagingCapacity(), options.pixelBytesPerSlot(),
                options.labelBytesPerSlot());
        this.exchange = new StagedTile[options.stagingCapacity()];
        for (int i = 0; i < exchange.length; i++) {
            exchange[i] = new StagedTile(options.pixelBytesPerSlot(), options.labelBytesPerSlot());
        }
        NDManager manager = engine.newManager();
        try {
            this.store = new SlotStore(manager, slots, options.bands(), options.slotSize(), options.stagingCapacity());
        } catch (RuntimeException | Error e) {
            manager.close();
            throw e;
        }
    }

    // ---------------------------------------------------------------------------------------------- writers

    /**
     * Offers a tile: refuses it ({@code shape}, {@code reservoir}, {@code closed}) or stages a copy of its slot-sized
     * window for the device. Thread-safe; never waits for the consumer or the device. The caller may reuse the
     * entry's arrays once this returns.
     */
    public OfferOutcome offer(BufferEntry entry) {
        Objects.requireNonNull(entry, "entry");
        metrics.offered.increment();
        OfferOutcome outcome = stage(entry);
        if (outcome.admitted()) {
            metrics.admitted.increment();
            Thread waiting = waitingConsumer;
            if (waiting != null) {
                LockSupport.unpark(waiting);
            }
        } else {
            metrics.refused(outcome);
        }
        return outcome;
    }

    private OfferOutcome stage(BufferEntry entry) {
        if (closed) {
            return OfferOutcome.REFUSED_CLOSED;
        }
        int size = options.slotSize();
        if (entry.bands() != options.bands() || entry.width() < size || entry.height() < size) {
            return OfferOutcome.REFUSED_SHAPE;
        }
        Instant now = clock.instant();
        synchronized (intakeLock) {
            int slot = admission.next();
            if (slot == Admission.REFUSED) {
                return OfferOutcome.REFUSED_RESERVOIR;
            }
            int x0 = entry.width() > size ? cropRandom.nextInt(entry.width() - size + 1) : 0;
            int y0 = entry.height() > size ? cropRandom.nextInt(entry.height() - size + 1) : 0;
            if (staging.isFull()) {
                metrics.replacedInStaging.increment();
            }
            staging.claim().copyWindow(entry, x0, y0, size, slot, now);
        }
        return OfferOutcome.ADMITTED;
    }

    // ---------------------------------------------------------------------------------------------- consumer

    /**
     * Copies every staged tile into its device slot (one device write). Consumer thread only; {@code sample} does
     * this first anyway.
     *
     * @return how many staged tiles were taken over
     */
    public int drain() {
        enterConsumer();
        try {
            return drainStaged();
        } finally {
            exitConsumer();
        }
    }

    /**
     * A batch of {@code batchSize} tiles drawn uniformly with replacement by the buffer's seeded {@link Random}, after
     * draining the staged tiles; empty (and counted as starvation) while the buffer holds no tile. Consumer thread
     * only.
     *
     * @param stepManager receives the batch's arrays: typically a per-step sub-manager, closed after the step. The
     *                    arrays are computed on the buffer's {@link #device()} and moved to this manager's device if
     *                    it differs.
     */
    public Optional<SampledBatch> sample(NDManager stepManager, int batchSize) {
        return sample(stepManager, batchSize, sampleRandom);
    }

    /** As {@link #sample(NDManager, int)}, drawing with {@code rnd}. */
    public Optional<SampledBatch> sample(NDManager stepManager, int batchSize, Random rnd) {
        checkSampleArguments(stepManager, batchSize, rnd);
        enterConsumer();
        try {
            drainStaged();
            if (store.fill() == 0) {
                metrics.starved.increment();
                return Optional.empty();
            }
            return Optional.of(draw(stepManager, batchSize, rnd));
        } finally {
            exitConsumer();
        }
    }

    /**
     * As {@link #sample(NDManager, int)}, but while the buffer is empty waits up to {@code timeout} for a writer to
     * admit a tile (the wait is counted in {@link BufferStats#starvedNanos()}); empty if none came in time. Consumer
     * thread only.
     */
    public Optional<SampledBatch> awaitSample(NDManager stepManager, int batchSize, Duration timeout)
            throws InterruptedException {
        checkSampleArguments(stepManager, batchSize, sampleRandom);
        Objects.requireNonNull(timeout, "timeout");
        enterConsumer();
        try {
            drainStaged();
            if (store.fill() == 0) {
                metrics.starved.increment();
                waitForFirstTile(timeout);
                if (store.fill() == 0) {
                    return Optional.empty();
                }
            }
            return Optional.of(draw(stepManager, batchSize, sampleRandom));
        } finally {
            exitConsumer();
        }
    }

    private void waitForFirstTile(Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + Math.max(0, timeout.toNanos());
        waitingConsumer = Thread.currentThread();
        try {
            // Writers unpark us after staging; reading the ring after publishing ourselves means no wake-up is lost.
            while (true) {
                if (staging.size() > 0 && drainStaged() > 0 && store.fill() > 0) {
                    return;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return;
                }
                LockSupport.parkNanos(this, remaining);
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while waiting for a first tile");
                }
            }
        } finally {
            waitingConsumer = null;
            metrics.starvedNanos.add(System.nanoTime() - start);
        }
    }

    /** The tiles now in storage, in slot order (staged tiles are drained first). Consumer thread only. */
    public List<StoredTile> storedTiles() {
        enterConsumer();
        try {
            drainStaged();
            List<StoredTile> tiles = new ArrayList<>(store.fill());
            for (int slot = 0; slot < store.slots(); slot++) {
                if (store.isFilled(slot)) {
                    tiles.add(store.describe(slot));
                }
            }
            return tiles;
        } finally {
            exitConsumer();
        }
    }

    private int drainStaged() {
        if (closed) {
            throw new IllegalStateException("the pretraining buffer is closed");
        }
        int n;
        synchronized (intakeLock) {
            n = staging.takeAll(exchange);
        }
        if (n > 0) {
            metrics.replacedInStorage.add(store.write(exchange, n));
            metrics.occupancy(store.fill(), store.labelledCount());
        }
        return n;
    }

    private SampledBatch draw(NDManager stepManager, int batchSize, Random rnd) {
        int[] chosen = new int[batchSize];
        List<StoredTile> tiles = new ArrayList<>(batchSize);
        boolean anyLabelled = false;
        Instant now = clock.instant();
        double ageSumMs = 0;
        double ageMaxMs = 0;
        for (int i = 0; i < batchSize; i++) {
            int slot = store.filledSlot(rnd.nextInt(store.fill()));
            chosen[i] = slot;
            StoredTile tile = store.describe(slot);
            tiles.add(tile);
            anyLabelled |= tile.labelled();
            // A clock that went backwards gives age 0, not a negative age.
            double ageMs = Math.max(0, Duration.between(tile.admittedAt(), now).toNanos() / 1e6);
            ageSumMs += ageMs;
            ageMaxMs = Math.max(ageMaxMs, ageMs);
        }
        NDArray pixels = store.gatherPixels(stepManager, chosen);
        NDArray labels = null;
        try {
            labels = anyLabelled ? store.gatherLabels(stepManager, chosen) : null;
        } catch (RuntimeException | Error e) {
            pixels.close();
            throw e;
        }
        metrics.sampled(batchSize, ageSumMs / batchSize, ageMaxMs);
        return new SampledBatch(pixels, labels, tiles, now);
    }

    private static void checkSampleArguments(NDManager stepManager, int batchSize, Random rnd) {
        Objects.requireNonNull(stepManager, "stepManager");
        Objects.requireNonNull(rnd, "rnd");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1: " + batchSize);
        }
    }

    private void enterConsumer() {
        Thread me = Thread.currentThread();
        if (!consumer.compareAndSet(null, me)) {
            Thread other = consumer.get();
            throw new ConcurrentModificationException("the pretraining buffer's consumer methods (drain, sample, "
                    + "awaitSample, storedTiles, close) are in use by thread '"
                    + (other == null ? "?" : other.getName()) + "'; call them from one trainer thread");
        }
    }

    private void exitConsumer() {
        consumer.set(null);
    }

    // ---------------------------------------------------------------------------------------------- any thread

    /** A snapshot of the counters; any thread. */
    public BufferStats stats() {
        return metrics.snapshot(options, store.slots(), staging.size(), staging.capacity());
    }

    /** Storage slots: {@code min(maxTiles, maxBytes / bytesPerSlot)}. */
    public int capacity() {
        return store.slots();
    }

    /** Where the slots live. */
    public Device device() {
        return store.device();
    }

    public BufferOptions options() {
        return options;
    }

    /**
     * Frees the device storage; later offers are refused ({@code closed}) and consumer methods throw. Call it from the
     * consumer thread, or once the consumer has stopped. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        enterConsumer();
        try {
            closed = true;
            store.close();
        } finally {
            exitConsumer();
        }
    }
}
