package io.satstream.modelstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.satstream.modelstore.internal.Sha256;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store edited on disk to lead it out of its root: real symbolic links (to files and directories whose checksums
 * match, so that only refusing to follow them can stop the read) and manifests naming files outside their version
 * directory are integrity errors, and nothing is read or written there. Imported files are the user's: a link is
 * followed, but a size over the limit or a device is refused before anything is read.
 */
class StoreLinksAndTamperingTest {

    private static final List<String> CLASSES = List.of("background", "building", "water");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static byte[] onnx;

    @TempDir
    Path tmp;

    private ModelStore store;
    private Path outside;

    @BeforeAll
    static void model() {
        onnx = TestOnnx.model(3, 3);
    }

    @BeforeEach
    void storeWithOneServingVersion() throws Exception {
        store = ModelStore.open(tmp.resolve("store"));
        store.register("unet", onnx, TestOnnx.draft(null, CLASSES));
        store.promote("unet", 1);
        outside = Files.createDirectories(tmp.resolve("outside"));
    }

    @Test
    void aVersionDirectoryLinkedOutOfTheStoreIsAnIntegrityErrorAndCannotServe() throws Exception {
        // a complete, self-consistent version 2 outside the store, reached through a link
        Path v2 = copyVersion(store.versionDir("unet", 1), outside.resolve("v2"), 2);
        Path link = Files.createSymbolicLink(store.root().resolve("unet/2"), v2);
        Map<String, String> before = StoreSnapshot.of(store.root());

        for (Runnable read : List.<Runnable>of(() -> store.manifest("unet", 2), () -> store.load("unet", 2),
                () -> store.list("unet"), () -> store.promote("unet", 2))) {
            assertThatThrownBy(read::run)
                    .isInstanceOf(ModelIntegrityException.class)
                    .hasMessage("integrity check failed: " + link + " is a symbolic link (to " + v2 + "); the model"
                            + " store never writes links and does not follow them");
        }
        assertThat(store.servingVersion("unet")).contains(1);
        assertThat(StoreSnapshot.of(store.root())).isEqualTo(before);
    }

    @Test
    void aModelFileLinkedOutOfTheStoreIsRefusedEvenWhenItsChecksumMatches() throws Exception {
        Path file = store.root().resolve("unet/1/model.onnx");
        Path copy = Files.write(outside.resolve("model.onnx"), onnx);
        Files.delete(file);
        Files.createSymbolicLink(file, copy);

        assertThatThrownBy(() -> store.load("unet", 1))
                .isInstanceOf(ModelIntegrityException.class)
                .hasMessageStartingWith("integrity check failed: " + file + " is a symbolic link (to " + copy + ")")
                .satisfies(e -> assertThat(((ModelIntegrityException) e).file()).isEqualTo(file));
        assertThatThrownBy(() -> store.promote("unet", 1)).isInstanceOf(ModelIntegrityException.class);
    }

    @Test
    void aManifestLinkedOutOfTheStoreIsNotRead() throws Exception {
        Path manifest = store.root().resolve("unet/1/manifest.json");
        Path copy = Files.copy(manifest, outside.resolve("manifest.json"));
        Files.delete(manifest);
        Files.createSymbolicLink(manifest, copy);

        assertThatThrownBy(() -> store.manifest("unet", 1))
                .isInstanceOf(ModelIntegrityException.class)
                .hasMessageStartingWith("integrity check failed: " + manifest + " is a symbolic link (to " + copy);
    }

    @Test
    void aServingPointerLinkedOutOfTheStoreIsNeitherReadNorWrittenThrough() throws Exception {
        store.register("unet", onnx, TestOnnx.draft(1, CLASSES));
        Path pointer = store.root().resolve("unet/serving.json");
        Path target = Files.copy(pointer, outside.resolve("serving.json"));
        Files.delete(pointer);
        Files.createSymbolicLink(pointer, target);
        byte[] targetBefore = Files.readAllBytes(target);

        assertThatThrownBy(() -> store.servingVersion("unet"))
                .isInstanceOf(ModelIntegrityException.class)
                .hasMessageStartingWith("integrity check failed: " + pointer + " is a symbolic link (to " + target);
        assertThatThrownBy(() -> store.promote("unet", 2)).isInstanceOf(ModelIntegrityException.class);
        assertThatThrownBy(() -> store.rollback("unet")).isInstanceOf(ModelIntegrityException.class);
        assertThat(Files.readAllBytes(target)).isEqualTo(targetBefore);
        assertThat(Files.isSymbolicLink(pointer)).isTrue();
    }

    @Test
    void aModelDirectoryLinkedOutOfTheStoreIsNeitherListedNorWrittenInto() throws Exception {
        Path elsewhere = Files.createDirectories(outside.resolve("evil"));
        copyVersion(store.versionDir("unet", 1), elsewhere.resolve("1"), 1, "evil");
        Path link = Files.createSymbolicLink(store.root().resolve("evil"), elsewhere);
        Map<String, String> outsideBefore = StoreSnapshot.of(outside);

        assertThatThrownBy(() -> store.list("evil"))
                .isInstanceOf(ModelIntegrityException.class)
                .hasMessageContaining(link + " is a symbolic link (to " + elsewhere + ")");
        assertThatThrownBy(() -> store.register("evil", onnx, TestOnnx.draft(null, CLASSES)))
                .isInstanceOf(ModelIntegrityException.class)
                .hasMessageContaining(link + " is a symbolic link");
        assertThatThrownBy(store::modelNames).isInstanceOf(ModelIntegrityException.class);
        assertThat(StoreSnapshot.of(outside)).isEqualTo(outsideBefore);
    }

    @Test
    void aManifestEditedToListAFileOutsideItsDirectoryIsAnIntegrityErrorNotARead() throws Exception {
        // a real file outside the store, listed with its true checksum: reading it would pass the check
        Path secret = Files.writeString(outside.resolve("secret.txt"), "not the store's", StandardCharsets.UTF_8);
        Path manifest = store.root().resolve("unet/1/manifest.json");
        for (String listed : List.of("../../../outside/secret.txt", secret.toString(), "sub/model.onnx", ".hidden",
                "model.onnx\u0000")) {
            ObjectNode m = (ObjectNode) JSON.readTree(manifest.toFile());
            ((ObjectNode) m.get("files")).put(listed, Sha256.of(Files.readAllBytes(secret)));
            byte[] edited = JSON.writeValueAsBytes(m);
            Path tampered = store.root().resolve("unet/1/manifest.json");
            byte[] original = Files.readAllBytes(tampered);
            Files.write(tampered, edited);
            try {
                assertThatThrownBy(() -> store.load("unet", 1))
                        .isInstanceOf(ModelIntegrityException.class)
                        .hasMessage("invalid manifest " + manifest + ": the manifest lists a file outside its version"
                                + " directory: " + ModelNames.fileNameProblem(listed));
                assertThatThrownBy(() -> store.list("unet")).isInstanceOf(ModelIntegrityException.class);
            } finally {
                Files.write(tampered, original);
            }
        }
        assertThat(store.load("unet", 1).onnx()).isEqualTo(onnx);
    }

    @Test
    void aManifestMovedToAnotherVersionDirectoryIsAnIntegrityError() throws Exception {
        store.register("unet", TestOnnx.model(3, 3), TestOnnx.draft(1, CLASSES));
        Path v2manifest = store.root().resolve("unet/2/manifest.json");
        Files.copy(store.root().resolve("unet/1/manifest.json"), v2manifest,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(() -> store.load("unet", 2))
                .isInstanceOf(ModelIntegrityException.class)
                .hasMessage("integrity check failed: " + v2manifest + " describes unet@1, not unet@2");
    }

    @Test
    void anImportedOnnxFileMayBeALinkToTheUsersModel() throws Exception {
        Path real = Files.write(outside.resolve("landcover.onnx"), onnx);
        Path link = Files.createSymbolicLink(tmp.resolve("link.onnx"), real);

        ModelManifest m = store.importOnnx(link, manifest("landcover"));

        assertThat(m.ref()).isEqualTo("landcover@1");
        Path stored = store.versionDir("landcover", 1).resolve("model.onnx");
        assertThat(Files.isSymbolicLink(stored)).as("the store keeps a copy, not the link").isFalse();
        assertThat(store.load("landcover", 1).onnx()).isEqualTo(onnx);
    }

    @Test
    void anOnnxFileOverTheSizeLimitIsRefusedFromItsSizeBeforeItIsRead() throws Exception {
        // sparse: 3 GiB to the file system, no disk blocks; reading it would need a 3 GiB array
        Path huge = tmp.resolve("huge.onnx");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(3L << 30);
        }
        Map<String, String> before = StoreSnapshot.of(store.root());
        long t0 = System.nanoTime();

        assertThatThrownBy(() -> store.importOnnx(huge, manifest("big")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("refusing model 'big': " + huge + " is 3221225472 bytes, more than the limit of "
                        + ModelStore.MAX_MODEL_BYTES + " bytes (ONNX's protobuf limit)");

        assertThat(System.nanoTime() - t0).as("refused without reading 3 GiB").isLessThan(2_000_000_000L);
        assertThat(StoreSnapshot.of(store.root())).isEqualTo(before);
    }

    @Test
    void aDeviceOrAHugeManifestIsRefusedUnread() throws Exception {
        Path zero = Path.of("/dev/zero");
        Path link = Files.createSymbolicLink(tmp.resolve("zero.onnx"), zero);
        Map<String, String> before = StoreSnapshot.of(store.root());

        // /dev/zero reports size 0 and never ends: without the regular-file check the read would exhaust the heap
        assertThatThrownBy(() -> store.importOnnx(link, manifest("zero")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("refusing model 'zero': " + link + " is not a regular file");
        Path hugeManifest = tmp.resolve("huge.json");
        try (RandomAccessFile f = new RandomAccessFile(hugeManifest.toFile(), "rw")) {
            f.setLength(ModelStore.MAX_METADATA_BYTES + 1L);
        }
        assertThatThrownBy(() -> store.importOnnx(tmp.resolve("any.onnx"), hugeManifest))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("refusing manifest: " + hugeManifest + " is 1048577 bytes, more than the limit of 1048576"
                        + " bytes");
        assertThat(StoreSnapshot.of(store.root())).isEqualTo(before);
    }

    private Path manifest(String name) throws Exception {
        return Files.writeString(tmp.resolve(name + ".json"), """
                {"name":"%s","classNames":["background","building","water"],
                 "inputSpec":{"bands":["red","green","blue"],"tileSize":256,"scale":255.0,
                              "mean":[0.485,0.456,0.406],"std":[0.229,0.224,0.225]}}
                """.formatted(name));
    }

    private static Path copyVersion(Path from, Path to, int version) throws Exception {
        return copyVersion(from, to, version, null);
    }

    /** A copy of a version directory whose manifest says {@code version} (and {@code name}, when given). */
    private static Path copyVersion(Path from, Path to, int version, String name) throws Exception {
        Files.createDirectories(to);
        Files.copy(from.resolve("model.onnx"), to.resolve("model.onnx"));
        ObjectNode m = (ObjectNode) JSON.readTree(from.resolve("manifest.json").toFile());
        m.put("version", version);
        if (name != null) {
            m.put("name", name);
        }
        Files.write(to.resolve("manifest.json"), JSON.writeValueAsBytes(m));
        return to;
    }
}
