package io.satstream.ingest.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.satstream.ingest.ledger.internal.LedgerLines;

/**
 * The record of which scenes a feed has put on Kafka, shared by all feeds: an append-only file of JSON
 * lines, one per event, each written and fsynced before the call returns. A line holds the scene id, its
 * source, a fingerprint of its content (sha256 of a file, an item's {@code updated} time or ETag...), the
 * number of tiles, the status and, for a rejection, the reason.
 *
 * <p>Statuses: {@code pending} is written before a scene's tiles are sent (with the topic's end offsets
 * at that moment, so that a restart can look for them), {@code committed} only after every tile of the
 * scene is acknowledged (for {@link ExactlyOnceSceneWriter}: after the Kafka transaction committed),
 * {@code rejected} for a scene that can never be ingested (bad file), {@code aborted} when a restart
 * found that a pending scene's records never became visible. A rejection that goes to a dead-letter topic
 * is {@code pending} too until its record is committed: that line names the topic ({@code dlq}) and
 * carries the reason. A scene is "ingested" when its latest
 * committed line has the same fingerprint: the same id with new content is a new version and may be
 * ingested again.
 *
 * <p>On open, a partial last line (a crash in the middle of a write) is cut off; any other unreadable
 * line is an error, since guessing could ingest a scene twice. One process at a time: the file is
 * locked while open. Thread-safe.
 */
public final class IngestLedger implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestLedger.class);

    /** Status of a ledger line. */
    public enum Status {
        PENDING, COMMITTED, REJECTED, ABORTED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One ledger line.
     *
     * @param tiles tiles of the scene (0 for a rejection)
     * @param reason why a scene was rejected or aborted, else null
     * @param startOffsets for {@code pending}: the end offset of each partition of the topic just before
     *     the scene's records were sent; empty otherwise
     * @param dlqTopic for the {@code pending} line of a rejection: the dead-letter topic its record goes to
     *     (the offsets are that topic's); null otherwise
     */
    public record Entry(String sceneId, String source, String fingerprint, int tiles, Status status, String reason,
            Instant at, Map<Integer, Long> startOffsets, String dlqTopic) {
        public Entry {
            Objects.requireNonNull(sceneId, "sceneId");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(fingerprint, "fingerprint");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(at, "at");
            startOffsets = startOffsets == null ? Map.of() : Map.copyOf(startOffsets);
        }

        /** A line that is not a pending rejection. */
        public Entry(String sceneId, String source, String fingerprint, int tiles, Status status, String reason,
                Instant at, Map<Integer, Long> startOffsets) {
            this(sceneId, source, fingerprint, tiles, status, reason, at, startOffsets, null);
        }

        /** True for the {@code pending} line of a rejection on its way to a dead-letter topic. */
        public boolean pendingRejection() {
            return status == Status.PENDING && dlqTopic != null;
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final Clock clock;
    /** Latest line per scene id. */
    private final Map<String, Entry> latest = new HashMap<>();
    /** Latest line per (scene id, fingerprint). */
    private final Map<String, Entry> latestVersion = new LinkedHashMap<>();
    private boolean closed;

    private IngestLedger(Path file, FileChannel channel, FileLock lock, Clock clock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.clock = clock;
    }

    public static IngestLedger open(Path file) {
        return open(file, Clock.systemUTC());
    }

    /**
     * Opens (creating it and its directory if needed) and reads the ledger.
     *
     * @throws IllegalStateException when another process (or another open ledger in this one) holds it, or
     *     a line other than the last cannot be read
     * @throws UncheckedIOException when the file cannot be read or written
     */
    public static IngestLedger open(Path file, Clock clock) {
        Path path = file.toAbsolutePath().normalize();
        FileChannel channel = null;
        try {
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IllegalStateException("ingest ledger " + path + " is in use by another ingest run");
            }
            IngestLedger ledger = new IngestLedger(path, channel, lock, clock);
            ledger.load();
            return ledger;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot open ingest ledger " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private void load() throws IOException {
        long size = channel.size();
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("ingest ledger " + file + " is larger than 2 GB; archive it");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) >= 0) {
            // read until full
        }
        byte[] bytes = buffer.array();
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--;
        }
        if (end < bytes.length) {
            LOG.warn("ingest ledger {}: dropping a partial last line of {} bytes (a crash during a write)", file,
                    bytes.length - end);
            channel.truncate(end);
            channel.force(true);
        }
        String text = new String(bytes, 0, end, StandardCharsets.UTF_8);
        int number = 0;
        for (String line : text.split("\n")) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            Entry entry;
            try {
                entry = LedgerLines.parse(line);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("ingest ledger " + file + " line " + number
                        + " is not a ledger record (" + e.getMessage() + "); fix or move the file", e);
            }
            remember(entry);
        }
        channel.position(channel.size());
    }

    public Path file() {
        return file;
    }

    /** True when the scene's latest committed version has this fingerprint. */
    public synchronized boolean isIngested(String sceneId, String fingerprint) {
        Entry e = latestVersion.get(key(sceneId, fingerprint));
        return e != null && e.status() == Status.COMMITTED;
    }

    /** True when this version of the scene was rejected (it would be rejected again). */
    public synchronized boolean isRejected(String sceneId, String fingerprint) {
        Entry e = latestVersion.get(key(sceneId, fingerprint));
        return e != null && e.status() == Status.REJECTED;
    }

    /** The latest line about the scene, whatever its fingerprint. */
    public synchronized Optional<Entry> latest(String sceneId) {
        return Optional.ofNullable(latest.get(sceneId));
    }

    /** Versions whose latest line is {@code pending}: a run ended while sending them. */
    public synchronized List<Entry> unsettled() {
        List<Entry> out = new ArrayList<>();
        for (Entry e : latestVersion.values()) {
            if (e.status() == Status.PENDING) {
                out.add(e);
            }
        }
        return out;
    }

    /** All lines' latest state per (scene, fingerprint), in first-seen order. */
    public synchronized List<Entry> versions() {
        return List.copyOf(latestVersion.values());
    }

    /** Before sending: the scene is about to go out; {@code startOffsets} as in {@link Entry}. */
    public void markPending(String sceneId, String source, String fingerprint, int tiles,
            Map<Integer, Long> startOffsets) {
        append(new Entry(sceneId, source, fingerprint, tiles, Status.PENDING, null, clock.instant(), startOffsets));
    }

    /**
     * Before sending a rejection to a dead-letter topic: {@code startOffsets} are that topic's end offsets,
     * and {@code reason} is kept so that a restart that finds the record committed can write the
     * {@code rejected} line.
     */
    public void markPendingRejection(String sceneId, String source, String fingerprint, String reason,
            String dlqTopic, Map<Integer, Long> startOffsets) {
        append(new Entry(sceneId, source, fingerprint, 0, Status.PENDING, oneLine(reason), clock.instant(),
                startOffsets, Objects.requireNonNull(dlqTopic, "dlqTopic")));
    }

    /** After every tile of the scene is durably on Kafka (flushed and acknowledged, or committed). */
    public void markIngested(String sceneId, String source, String fingerprint, int tiles) {
        append(new Entry(sceneId, source, fingerprint, tiles, Status.COMMITTED, null, clock.instant(), null));
    }

    /** A scene that cannot be ingested, with a one-line reason. */
    public void markRejected(String sceneId, String source, String fingerprint, String reason) {
        append(new Entry(sceneId, source, fingerprint, 0, Status.REJECTED, oneLine(reason), clock.instant(), null));
    }

    /** A pending scene whose tiles were found not to be on Kafka: it will be sent again. */
    public void markAborted(String sceneId, String source, String fingerprint, String reason) {
        append(new Entry(sceneId, source, fingerprint, 0, Status.ABORTED, oneLine(reason), clock.instant(), null));
    }

    private synchronized void append(Entry entry) {
        if (closed) {
            throw new IllegalStateException("ingest ledger " + file + " is closed");
        }
        byte[] line = (LedgerLines.format(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true); // the line must survive a power cut before the caller acts on it
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write ingest ledger " + file + ": " + e.getMessage(), e);
        }
        remember(entry);
    }

    private void remember(Entry entry) {
        latest.put(entry.sceneId(), entry);
        latestVersion.put(key(entry.sceneId(), entry.fingerprint()), entry);
    }

    private static String key(String sceneId, String fingerprint) {
        return sceneId + '\u0000' + fingerprint;
    }

    private static String oneLine(String reason) {
        return reason == null ? "unknown reason" : reason.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            lock.release();
        } catch (IOException e) {
            LOG.debug("releasing the ledger lock failed", e);
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("closing the ledger failed", e);
            }
        }
    }
}
