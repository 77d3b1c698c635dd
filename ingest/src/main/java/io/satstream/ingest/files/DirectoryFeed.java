package io.satstream.ingest.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.satstream.ingest.TileFeed;
import io.satstream.ingest.files.internal.SceneIds;
import io.satstream.ingest.files.internal.StableFiles;
import io.satstream.ingest.ledger.IngestLedger;
import io.satstream.ingest.ledger.Scene;
import io.satstream.ingest.ledger.SceneRejection;
import io.satstream.ingest.ledger.SceneSource;
import io.satstream.ingest.ledger.SceneTiles;
import io.satstream.ingest.tiling.SceneRef;
import io.satstream.ingest.tiling.Tiler;
import io.satstream.raster.RasterDecodeException;
import io.satstream.raster.RasterDecoder;
import io.satstream.raster.RasterImage;
import io.satstream.schemas.GeoReference;
import io.satstream.schemas.Tile;

/**
 * Scenes from image files dropped into a directory: {@code *.tif}, {@code *.tiff}, {@code *.png},
 * {@code *.jpg}, {@code *.jpeg} (any case; hidden files and sub-directories are ignored). The directory is
 * watched (WatchService) and also listed again every {@link DirectoryFeedSettings#rescanEvery()}, because
 * watch events can be lost. A file is read only once its size and modification time have been stable for
 * {@link DirectoryFeedSettings#stableFor()}.
 *
 * <p>Each file becomes one scene: id = file name without extension ({@link SceneIds}), source
 * {@code files:<absolute path>}, fingerprint {@code sha256:<hex of the bytes>}, tiled by the {@link Tiler}.
 * A scene the {@link IngestLedger} already has (same id and fingerprint) is skipped; a file replaced by
 * different content under the same name is a new version and goes out again, with the same tile ids.
 *
 * <p>Bad files are refused with a one-line reason, logged, reported to the rejection listener and handed
 * out as a {@link SceneRejection} (origin: the file's path; original: its bytes, unless it was refused
 * unread for its size), which the writer sends to the dead-letter topic and records as {@code rejected}, so
 * they are not retried until their content changes; the feed goes on with the next file. Refused: files over {@link DirectoryFeedSettings#maxFileBytes()} (before reading
 * them), anything {@link RasterDecoder} cannot decode (truncated, 0x0, a header claiming more than
 * {@link DirectoryFeedSettings#maxPixels()}, unsupported compression or sample type), tiles that would be
 * over {@link DirectoryFeedSettings#maxTileBytes()}, and <b>unknown CRS</b>: a GeoTIFF that has a
 * geotransform but no EPSG code (user-defined or missing GeoKeys), or an EPSG code but no affine transform
 * (e.g. only ground control points). We refuse rather than ingest such a file without georeferencing,
 * because its outputs would silently lose their place on Earth. Files with no georeferencing at all
 * (plain PNG/JPEG/TIFF) are ingested as pixel-only scenes. A scene id already committed from another file
 * is refused too, since the two would share tile ids.
 *
 * <p>Two ways to use it: as a {@link SceneSource} (scene by scene, for the exactly-once
 * {@link io.satstream.ingest.ledger.ExactlyOnceSceneWriter}; the writer records what it commits or
 * refuses), or as a {@link TileFeed} (the scenes' tiles one after another, e.g. for the FeedRunner); the
 * tile view records rejections in the ledger itself (no dead-letter record) and does not mark scenes
 * ingested, because it does not know when the tiles reach Kafka. Not thread-safe.
 */
public final class DirectoryFeed implements TileFeed, SceneSource {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryFeed.class);
    private static final Set<String> EXTENSIONS = Set.of("tif", "tiff", "png", "jpg", "jpeg");
    public static final String NAME = "files";

    private final DirectoryFeedSettings settings;
    private final Path dir;
    private final IngestLedger ledger;
    private final Consumer<FileRejection> onRejection;
    private final Tiler tiler;
    private final RasterDecoder decoder;
    private final StableFiles stable;
    private final WatchService watcher;
    private final Deque<Path> ready = new ArrayDeque<>();
    private long lastScan;
    private boolean scanned;
    private boolean closed;
    private Iterator<Tile> currentTiles = Collections.emptyIterator();
    private long seen;
    private long skipped;
    private long rejected;
    private long emitted;

    /**
     * @param ledger where scenes already ingested are looked up and rejections recorded
     * @param onRejection told about each refused file (after it is logged and recorded)
     * @throws UncheckedIOException when {@code dir} is not a readable directory
     */
    public DirectoryFeed(DirectoryFeedSettings settings, IngestLedger ledger, Consumer<FileRejection> onRejection) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.dir = settings.dir().toAbsolutePath().normalize();
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.onRejection = Objects.requireNonNull(onRejection, "onRejection");
        if (!Files.isDirectory(dir)) {
            throw new UncheckedIOException(new NoSuchFileException(dir.toString(), null, "not a directory"));
        }
        this.tiler = new Tiler(settings.tiling());
        this.decoder = new RasterDecoder(settings.maxPixels());
        this.stable = new StableFiles(settings.stableFor().toNanos());
        this.watcher = settings.once() ? null : register(dir);
    }

    private static WatchService register(Path dir) {
        try {
            WatchService service = dir.getFileSystem().newWatchService();
            dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            return service;
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("cannot watch {} ({}); relying on rescans", dir, e.getMessage());
            return null;
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Scene> nextScene() {
        if (closed) {
            throw new IllegalStateException("directory feed on " + dir + " is closed");
        }
        while (true) {
            if (ready.isEmpty()) {
                poll();
            }
            Path file = ready.pollFirst();
            if (file == null) {
                return Optional.empty();
            }
            Optional<Scene> scene = read(file);
            if (scene.isPresent()) {
                if (scene.get() instanceof SceneTiles) {
                    emitted++;
                }
                return scene;
            }
        }
    }

    @Override
    public Optional<Tile> next() {
        while (!currentTiles.hasNext()) {
            Optional<Scene> scene = nextScene();
            if (scene.isEmpty()) {
                return Optional.empty();
            }
            if (scene.get() instanceof SceneRejection r) {
                // no writer behind this view: the ledger alone remembers the refusal
                ledger.markRejected(r.sceneId(), r.source(), r.fingerprint(), r.reason());
                continue;
            }
            currentTiles = ((SceneTiles) scene.get()).tiles();
        }
        return Optional.of(currentTiles.next());
    }

    @Override
    public boolean exhausted() {
        return settings.once() && scanned && ready.isEmpty() && stable.waiting() == 0 && !currentTiles.hasNext();
    }

    /** Files that became ready and were looked at. */
    public long seen() {
        return seen;
    }

    /** Files skipped because the ledger already had them (ingested or rejected). */
    public long skipped() {
        return skipped;
    }

    /** Files refused (handed out as rejections). */
    public long rejected() {
        return rejected;
    }

    /** Scenes handed out with their tiles. */
    public long emitted() {
        return emitted;
    }

    /** Lists the directory when due (or when a watch event came) and queues the files that are ready. */
    private void poll() {
        boolean changed = drainWatchEvents();
        long now = System.nanoTime();
        // while files settle, look again soon (a quarter of the stability time); else on an event or the interval
        long interval = stable.waiting() > 0
                ? Math.max(settings.stableFor().toNanos() / 4, 20_000_000L)
                : settings.rescanEvery().toNanos();
        if (scanned && !changed && now - lastScan < interval) {
            return;
        }
        Map<Path, StableFiles.Seen> listing = list();
        lastScan = System.nanoTime();
        ready.addAll(stable.update(listing, lastScan));
        scanned = true;
    }

    private boolean drainWatchEvents() {
        if (watcher == null) {
            return false;
        }
        boolean any = false;
        try {
            WatchKey key;
            while ((key = watcher.poll()) != null) {
                any |= !key.pollEvents().isEmpty();
                key.reset();
            }
        } catch (ClosedWatchServiceException e) {
            return false;
        }
        return any;
    }

    private Map<Path, StableFiles.Seen> list() {
        Map<Path, StableFiles.Seen> out = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") || !EXTENSIONS.contains(extension(name))) {
                    continue;
                }
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                    if (a.isRegularFile()) {
                        out.put(p, new StableFiles.Seen(a.size(), a.lastModifiedTime().toMillis()));
                    }
                } catch (NoSuchFileException gone) {
                    // removed between listing and stat: nothing to do
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** One ready file → its tiles or its rejection, or empty when it was skipped or is gone. */
    private Optional<Scene> read(Path file) {
        seen++;
        String name = file.getFileName().toString();
        String sceneId = SceneIds.forFileName(name);
        String source = NAME + ":" + file;
        StableFiles.Seen state;
        byte[] bytes;
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            state = new StableFiles.Seen(a.size(), a.lastModifiedTime().toMillis());
            if (a.size() > settings.maxFileBytes()) {
                stable.handled(file, state);
                String fingerprint = "size:" + a.size() + ",modified:" + a.lastModifiedTime().toMillis();
                if (ledger.isRejected(sceneId, fingerprint)) {
                    skipped++;
                    return Optional.empty();
                }
                String reason = "file is " + a.size() + " bytes, over the limit of " + settings.maxFileBytes()
                        + " bytes";
                return refuse(file, SceneRejection.withoutOriginal(sceneId, source, fingerprint, reason,
                        file.toString(), a.size() + " bytes, not read: over the file size limit"));
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            LOG.info("{} disappeared before it was read", file);
            return Optional.empty();
        } catch (IOException e) {
            // unreadable now (permissions, I/O error): leave it to a later rescan rather than refuse it for good
            LOG.warn("cannot read {}: {}; will retry", file, e.getMessage());
            return Optional.empty();
        }
        stable.handled(file, state);
        String fingerprint = "sha256:" + SceneIds.sha256(bytes);
        if (ledger.isIngested(sceneId, fingerprint) || ledger.isRejected(sceneId, fingerprint)) {
            skipped++;
            LOG.debug("{} already handled (scene {}); skipped", file, sceneId);
            return Optional.empty();
        }
        Optional<IngestLedger.Entry> previous = ledger.latest(sceneId);
        if (previous.isPresent() && previous.get().status() == IngestLedger.Status.COMMITTED
                && !previous.get().source().equals(source)) {
            return reject(file, sceneId, source, fingerprint, bytes, "scene id " + sceneId
                    + " was already ingested from " + previous.get().source() + "; rename the file");
        }
        RasterImage image;
        try {
            image = decoder.decode(bytes);
        } catch (RasterDecodeException e) {
            return reject(file, sceneId, source, fingerprint, bytes, e.getMessage());
        } catch (RuntimeException e) {
            return reject(file, sceneId, source, fingerprint, bytes, "cannot decode: " + e);
        }
        String crsProblem = crsProblem(image.georef());
        if (crsProblem != null) {
            return reject(file, sceneId, source, fingerprint, bytes, crsProblem);
        }
        long tileBytes = (long) settings.tiling().tileSize() * settings.tiling().tileSize() * image.bandCount()
                * RasterImage.bytesPerSample(image.dataType());
        if (tileBytes > settings.maxTileBytes()) {
            return reject(file, sceneId, source, fingerprint, bytes, "a " + settings.tiling().tileSize() + "x"
                    + settings.tiling().tileSize() + " tile of " + image.bandCount() + " " + image.dataType()
                    + " bands is " + tileBytes + " bytes, over the Kafka message limit of " + settings.maxTileBytes()
                    + " bytes; use a smaller tile size");
        }
        bytes = null; // the decoded image is all we keep while its tiles go out
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("file:name", name);
        attributes.put("file:bytes", Long.toString(state.size()));
        SceneRef ref = new SceneRef(sceneId, source, null, attributes);
        int count = tiler.count(image.width()) * tiler.count(image.height());
        LOG.info("{}: {}x{} {} {} → {} tiles", name, image.width(), image.height(), image.bands(),
                image.dataType(), count);
        return Optional.of(new SceneTiles(sceneId, source, fingerprint, count, tiler.tiles(ref, image)));
    }

    /** Null when the georeferencing is usable (or absent); else why not. */
    static String crsProblem(GeoReference georef) {
        if (georef == null) {
            return null;
        }
        if (georef.getGeoTransform() != null && georef.getEpsg() == null) {
            return "unknown CRS: the GeoTIFF has a geotransform but no EPSG code (user-defined or missing "
                    + "GeoKeys); reproject it to an EPSG CRS, e.g. gdalwarp -t_srs EPSG:4326";
        }
        if (georef.getGeoTransform() == null && georef.getXyz() == null) {
            return "unknown placement: the GeoTIFF names EPSG:" + georef.getEpsg()
                    + " but has no affine geotransform (ground control points?); warp it first";
        }
        return null;
    }

    private Optional<Scene> reject(Path file, String sceneId, String source, String fingerprint, byte[] bytes,
            String reason) {
        return refuse(file, SceneRejection.withOriginal(sceneId, source, fingerprint, reason, file.toString(), bytes));
    }

    private Optional<Scene> refuse(Path file, SceneRejection rejection) {
        rejected++;
        LOG.warn("rejected {}: {}", file, rejection.reason());
        onRejection.accept(new FileRejection(file, rejection.sceneId(), rejection.reason()));
        return Optional.of(rejection);
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** The extensions picked up, lower case. */
    public static List<String> extensions() {
        return List.copyOf(new java.util.TreeSet<>(EXTENSIONS));
    }

    @Override
    public void close() {
        closed = true;
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                LOG.debug("closing the watch service failed", e);
            }
        }
    }
}
