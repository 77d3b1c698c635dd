package io.satstream.modelstore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.satstream.modelstore.internal.AtomicFiles;
import io.satstream.modelstore.internal.Json;
import io.satstream.modelstore.internal.NameLock;
import io.satstream.modelstore.internal.OnnxCompatibility;
import io.satstream.modelstore.internal.ServingPointer;
import io.satstream.modelstore.internal.Sha256;
import io.satstream.modelstore.internal.StoreFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Versioned models in a directory: {@code <root>/<name>/<version>/{model.onnx, manifest.json}} plus the serving
 * pointer {@code <root>/<name>/serving.json}. A version directory is written under a temporary name and renamed
 * into place, so readers in any process see a version completely or not at all; versions are never overwritten.
 * Writers of one model are serialised by a lock file; readers take no lock.
 *
 * <p>Nothing below the root is trusted to stay where the store put it: model and file names from manifests must be
 * plain names ({@link ModelNames}), a symbolic link where the store keeps a model directory, version directory,
 * file or serving pointer is an integrity error rather than followed, and every read is bounded
 * ({@link #MAX_MODEL_BYTES}, {@link #MAX_METADATA_BYTES}).
 */
public final class ModelStore {

    public static final String MANIFEST_FILE = "manifest.json";
    public static final String SERVING_FILE = "serving.json";
    private static final String LOCK_FILE = ".lock";
    private static final String TEMP_PREFIX = ".tmp-";
    /**
     * Largest ONNX file the store takes: ONNX's protobuf limit of 2 GiB, less the 8 bytes a Java array cannot hold.
     * A larger file is refused from its size, before it is read.
     */
    public static final long MAX_MODEL_BYTES = Integer.MAX_VALUE - 8L;
    /** Largest manifest or serving pointer read (they are a few KiB); a larger one is refused unread. */
    public static final int MAX_METADATA_BYTES = 1 << 20;

    private final Path root;

    private ModelStore(Path root) {
        this.root = root;
    }

    /** Opens (creating if needed) the store rooted at {@code root}. */
    public static ModelStore open(Path root) {
        Objects.requireNonNull(root, "root");
        Path abs = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(abs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create model store at " + abs + ": " + e.getMessage(), e);
        }
        if (!Files.isDirectory(abs)) {
            throw new IllegalArgumentException("model store root is not a directory: " + abs);
        }
        return new ModelStore(abs);
    }

    public Path root() {
        return root;
    }

    /**
     * Stores {@code onnx} as the next version of {@code name}, after checking that ONNX Runtime opens it and that it
     * fits the draft (input channels = bands, outputs = class names).
     */
    public ModelManifest register(String name, byte[] onnx, ManifestDraft draft) {
        ModelNames.check(name);
        Objects.requireNonNull(onnx, "onnx");
        Objects.requireNonNull(draft, "draft");
        OnnxCompatibility.check(name, onnx, draft.inputSpec().bands(), draft.classNames());
        String sha = Sha256.of(onnx);
        Path modelDir = modelDir(name);
        return NameLock.withLock(modelDir.resolve(LOCK_FILE), () -> {
            if (draft.parent() != null && manifest(name, draft.parent()).isEmpty()) {
                throw new IllegalArgumentException("parent version " + draft.parent() + " of model '" + name
                        + "' does not exist");
            }
            Path tmp = modelDir.resolve(TEMP_PREFIX + UUID.randomUUID());
            try {
                int version = versions(name).stream().max(Integer::compare).orElse(0) + 1;
                Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                ModelManifest manifest = ModelManifest.of(name, version, now, draft,
                        Map.of(ModelManifest.MODEL_FILE, sha));
                Files.createDirectories(tmp);
                AtomicFiles.writeDurably(tmp.resolve(ModelManifest.MODEL_FILE), onnx);
                AtomicFiles.writeDurably(tmp.resolve(MANIFEST_FILE), Json.MAPPER.writeValueAsBytes(manifest));
                // No REPLACE_EXISTING: an existing version directory makes this fail instead of being overwritten.
                Files.move(tmp, modelDir.resolve(Integer.toString(version)), StandardCopyOption.ATOMIC_MOVE);
                return manifest;
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                throw new IllegalStateException("version directory appeared while registering '" + name
                        + "' under the store lock; is another tool writing " + modelDir + "?", e);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot register model '" + name + "' in " + modelDir + ": "
                        + e.getMessage(), e);
            } finally {
                AtomicFiles.deleteTree(tmp);
            }
        });
    }

    /** All versions of {@code name}, oldest first; empty when the model is unknown. */
    public List<ModelManifest> list(String name) {
        ModelNames.check(name);
        List<ModelManifest> out = new ArrayList<>();
        for (int v : versions(name)) {
            manifest(name, v).ifPresent(out::add);
        }
        return out;
    }

    /** Names of models with at least one version, sorted. */
    public List<String> modelNames() {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path d : dirs) {
                String n = d.getFileName().toString();
                if (ModelNames.isValid(n) && !versions(n).isEmpty()) {
                    names.add(n);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
        }
        Collections.sort(names);
        return names;
    }

    public Optional<ModelManifest> manifest(String name, int version) {
        ModelNames.check(name);
        Path file = versionDir(name, version).resolve(MANIFEST_FILE);
        ModelManifest manifest;
        try {
            manifest = Json.MAPPER.readValue(StoreFiles.read(file, MAX_METADATA_BYTES, false), ModelManifest.class);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (StoreFiles.UnsafeFileException e) {
            throw new ModelIntegrityException("integrity check failed: " + e.getMessage(), file);
        } catch (JsonProcessingException e) {
            throw new ModelIntegrityException("invalid manifest " + file + ": " + reason(e), file);
        } catch (IOException e) {
            throw new ModelIntegrityException("unreadable manifest " + file + ": " + e.getMessage(), file);
        }
        if (!manifest.name().equals(name) || manifest.version() != version) {
            // a manifest copied or moved on disk would otherwise serve under another model's name and version
            throw new ModelIntegrityException("integrity check failed: " + file + " describes " + manifest.ref()
                    + ", not " + name + "@" + version, file);
        }
        return Optional.of(manifest);
    }

    public Optional<Integer> servingVersion(String name) {
        return readServing(name).map(ServingPointer::version);
    }

    /**
     * When the serving version of {@code name} last changed (promotion or rollback), by the clock of the process that
     * changed it; empty when it never served. A fresh job starts from the serving version and applies only the
     * {@code model-events} written after this instant.
     */
    public Optional<Instant> servingChangedAt(String name) {
        return readServing(name).map(ServingPointer::lastChange).map(Instant::parse);
    }

    /** Versions that have served, in promotion order; the last one is serving now. */
    public List<Integer> servingHistory(String name) {
        return readServing(name).map(p -> p.history().stream().map(ServingPointer.Promotion::version).toList())
                .orElse(List.of());
    }

    /** Makes {@code version} the serving one, after verifying its files; promoting the serving version is a no-op. */
    public void promote(String name, int version) {
        ModelNames.check(name);
        load(name, version);
        NameLock.withLock(modelDir(name).resolve(LOCK_FILE), () -> {
            ServingPointer current = readServing(name).orElse(new ServingPointer(name, null, List.of(), null));
            if (!Objects.equals(current.version(), version)) {
                writeServing(name, current.push(version, Instant.now().truncatedTo(ChronoUnit.MILLIS).toString()));
            }
            return null;
        });
    }

    /**
     * Goes back to the version that served before the current one, after verifying its files as {@link #promote}
     * does, and returns it.
     */
    public int rollback(String name) {
        ModelNames.check(name);
        return NameLock.withLock(modelDir(name).resolve(LOCK_FILE), () -> {
            ServingPointer current = readServing(name).orElse(null);
            if (current == null || current.history().isEmpty()) {
                throw new IllegalStateException("model '" + name + "' has never been promoted: nothing to roll back");
            }
            if (current.history().size() < 2) {
                throw new IllegalStateException("model '" + name + "' has no previously serving version to roll back to"
                        + " (only version " + current.version() + " has served)");
            }
            ServingPointer previous = current.pop(Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
            // A version altered since it last served must not come back into service.
            load(name, previous.version());
            writeServing(name, previous);
            return previous.version();
        });
    }

    /**
     * Reads version {@code version} of {@code name} after checking the sha256 of every file its manifest lists.
     *
     * @throws ModelIntegrityException when a file is missing or altered
     * @throws IllegalArgumentException when there is no such version
     */
    public LoadedModel load(String name, int version) {
        ModelManifest manifest = manifest(name, version).orElseThrow(() -> new IllegalArgumentException(
                "model '" + name + "' has no version " + version + " in " + root + " (versions: " + versions(name)
                        + ")"));
        Path dir = versionDir(name, version);
        if (!manifest.files().containsKey(ModelManifest.MODEL_FILE)) {
            throw new ModelIntegrityException("manifest of " + manifest.ref() + " lists no " + ModelManifest.MODEL_FILE,
                    dir.resolve(MANIFEST_FILE));
        }
        byte[] onnx = null;
        for (Map.Entry<String, String> f : manifest.files().entrySet()) {
            // ModelManifest admits plain file names only; checked again here because a read must never leave dir
            Path file = dir.resolve(f.getKey()).normalize();
            if (ModelNames.fileNameProblem(f.getKey()) != null || !dir.equals(file.getParent())) {
                throw new ModelIntegrityException("manifest of " + manifest.ref() + " names a file outside its "
                        + "directory: " + ModelNames.quote(f.getKey()), dir.resolve(MANIFEST_FILE));
            }
            String actual;
            try {
                if (f.getKey().equals(ModelManifest.MODEL_FILE)) {
                    // hash the very bytes handed out, so a file swapped between check and read cannot slip through
                    onnx = StoreFiles.read(file, MAX_MODEL_BYTES, false);
                    actual = Sha256.of(onnx);
                } else {
                    actual = StoreFiles.sha256(file, MAX_MODEL_BYTES, false);
                }
            } catch (NoSuchFileException e) {
                throw new ModelIntegrityException(file, f.getValue(), null);
            } catch (StoreFiles.UnsafeFileException e) {
                throw new ModelIntegrityException("integrity check failed: " + e.getMessage(), file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
            if (!actual.equalsIgnoreCase(f.getValue())) {
                throw new ModelIntegrityException(file, f.getValue(), actual);
            }
        }
        return new LoadedModel(manifest, onnx, dir);
    }

    /**
     * Reads the version a {@code model-events} record references: {@code versionUri} is its directory (a {@code file:}
     * URI, as {@link #versionDir} gives), whose manifest must name {@code name} and {@code version}; the sha256 of every
     * file in {@code expectedSha256} (file name → hex, as the event carries them) must equal the manifest's, and the
     * bytes must match, as {@link #load} checks. An empty {@code expectedSha256} (an event written before events
     * carried them) checks the manifest alone.
     *
     * @throws ModelIntegrityException when a file is missing or altered, or the event and the manifest disagree
     * @throws IllegalArgumentException when the URI is not a version directory of a store or the version is not there
     */
    public static LoadedModel loadReferenced(URI versionUri, String name, int version,
            Map<String, String> expectedSha256) {
        if (!"file".equalsIgnoreCase(versionUri.getScheme())) {
            throw new IllegalArgumentException("cannot fetch " + name + "@" + version + " from " + versionUri
                    + ": only file: URIs are supported in this version");
        }
        Path dir = Path.of(versionUri).normalize();
        Path modelDir = dir.getParent();
        if (modelDir == null || modelDir.getParent() == null || !dir.getFileName().toString().equals(
                Integer.toString(version)) || !modelDir.getFileName().toString().equals(name)) {
            throw new IllegalArgumentException(versionUri + " is not the directory of " + name + "@" + version
                    + " in a model store (expected <store>/" + name + "/" + version + ")");
        }
        ModelStore store = open(modelDir.getParent());
        LoadedModel loaded = store.load(name, version);
        for (Map.Entry<String, String> e : expectedSha256.entrySet()) {
            String listed = loaded.manifest().files().get(e.getKey());
            if (listed == null || !listed.equalsIgnoreCase(e.getValue())) {
                throw new ModelIntegrityException("integrity check failed: the event says " + ModelNames.quote(e.getKey())
                        + " of " + name + "@" + version + " has sha256 " + e.getValue() + " but its manifest "
                        + (listed == null ? "does not list that file" : "says " + listed),
                        dir.resolve(MANIFEST_FILE));
            }
        }
        return loaded;
    }

    /**
     * Registers an ONNX file made elsewhere. The manifest JSON needs {@code name}, {@code inputSpec} and
     * {@code classNames}; {@code objective} (default "imported"), {@code parent}, {@code metrics} and
     * {@code network} are optional; version, creation time and checksums are assigned by the store.
     */
    public ModelManifest importOnnx(Path onnxFile, Path manifestJson) {
        Objects.requireNonNull(onnxFile, "onnxFile");
        Objects.requireNonNull(manifestJson, "manifestJson");
        JsonNode node;
        try {
            // the user's own files: links are followed, sizes are not trusted
            node = Json.MAPPER.readTree(StoreFiles.read(manifestJson, MAX_METADATA_BYTES, true));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such manifest: " + manifestJson, e);
        } catch (StoreFiles.UnsafeFileException e) {
            throw new IllegalArgumentException("refusing manifest: " + e.getMessage(), e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot read manifest " + manifestJson + ": " + e.getOriginalMessage(),
                    e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read manifest " + manifestJson + ": " + e.getMessage(), e);
        }
        if (!(node instanceof ObjectNode obj)) {
            throw new IllegalArgumentException("manifest " + manifestJson + " is not a JSON object");
        }
        for (String required : List.of("name", "inputSpec", "classNames")) {
            if (!obj.hasNonNull(required)) {
                throw new IllegalArgumentException("manifest " + manifestJson + " has no '" + required + "'");
            }
        }
        String name = checkImportedNames(obj, manifestJson);
        if (!obj.hasNonNull("objective")) {
            obj.put("objective", "imported");
        }
        ManifestDraft draft;
        try {
            draft = Json.MAPPER.treeToValue(obj, ManifestDraft.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid manifest " + manifestJson + ": " + reason(e), e);
        }
        byte[] onnx;
        try {
            onnx = StoreFiles.read(onnxFile, MAX_MODEL_BYTES, true);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such ONNX file: " + onnxFile, e);
        } catch (StoreFiles.UnsafeFileException e) {
            throw new IllegalArgumentException("refusing model " + ModelNames.quote(name) + ": " + e.getMessage()
                    + (e.tooLarge() ? " (ONNX's protobuf limit)" : ""), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + onnxFile + ": " + e.getMessage(), e);
        }
        return register(name, onnx, draft);
    }

    /**
     * The model name of an imported manifest, after checking every field that names something on disk: the name
     * (a directory), {@code files} (the store assigns them, but a name that would leave the version directory says the
     * manifest is hostile) and {@code parent} (a version number, not a path).
     */
    private static String checkImportedNames(ObjectNode obj, Path manifestJson) {
        String where = "invalid manifest " + manifestJson + ": ";
        JsonNode nameNode = obj.get("name");
        if (!nameNode.isTextual()) {
            throw new IllegalArgumentException(where + "'name' must be a string, found " + nameNode.getNodeType());
        }
        String name = nameNode.asText();
        if (!ModelNames.isValid(name)) {
            throw new IllegalArgumentException(where + ModelNames.checkMessage(name));
        }
        JsonNode files = obj.get("files");
        if (files != null && !files.isNull()) {
            if (!files.isObject()) {
                throw new IllegalArgumentException(where + "'files' must map file names to sha256, found "
                        + files.getNodeType());
            }
            for (var it = files.fieldNames(); it.hasNext(); ) {
                String problem = ModelNames.fileNameProblem(it.next());
                if (problem != null) {
                    throw new IllegalArgumentException(where + "'files' lists a file outside the version directory: "
                            + problem);
                }
            }
        }
        JsonNode parent = obj.get("parent");
        if (parent != null && !parent.isNull() && !(parent.canConvertToInt() && parent.isIntegralNumber())) {
            throw new IllegalArgumentException(where + "'parent' must be a version number, found "
                    + ModelNames.quote(parent.toString()));
        }
        return name;
    }

    /** The validation message of a record constructor rather than Jackson's wrapper text. */
    private static String reason(JsonProcessingException e) {
        Throwable cause = e.getCause();
        return cause instanceof IllegalArgumentException || cause instanceof NullPointerException
                ? cause.getMessage() : e.getOriginalMessage();
    }

    /** The directory of version {@code version} of {@code name} (whether or not it exists). */
    public Path versionDir(String name, int version) {
        Path dir = modelDir(name).resolve(Integer.toString(version));
        requireNoLink(dir);
        return dir;
    }

    /**
     * {@code <root>/<name>} (whether or not it exists).
     *
     * @throws ModelIntegrityException when it is a symbolic link
     */
    private Path modelDir(String name) {
        ModelNames.check(name);
        Path dir = root.resolve(name);
        requireNoLink(dir);
        return dir;
    }

    private static void requireNoLink(Path path) {
        try {
            StoreFiles.requireNoLink(path);
        } catch (StoreFiles.UnsafeFileException e) {
            throw new ModelIntegrityException("integrity check failed: " + e.getMessage(), path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** Version numbers present as directories (temporary directories are not versions), ascending. */
    private List<Integer> versions(String name) {
        Path dir = modelDir(name);
        List<Integer> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path e : entries) {
                String n = e.getFileName().toString();
                if (n.matches("[1-9][0-9]{0,8}")) {
                    out.add(Integer.parseInt(n));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        Collections.sort(out);
        return out;
    }

    private Optional<ServingPointer> readServing(String name) {
        Path file = modelDir(name).resolve(SERVING_FILE);
        try {
            return Optional.of(Json.MAPPER.readValue(StoreFiles.read(file, MAX_METADATA_BYTES, false),
                    ServingPointer.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (StoreFiles.UnsafeFileException e) {
            throw new ModelIntegrityException("integrity check failed: " + e.getMessage(), file);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable serving pointer " + file + ": " + e.getMessage(), e);
        }
    }

    private void writeServing(String name, ServingPointer pointer) {
        Path file = modelDir(name).resolve(SERVING_FILE);
        try {
            AtomicFiles.replace(file, Json.MAPPER.writeValueAsBytes(pointer));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
