package io.satstream.modelstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.satstream.modelstore.internal.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {

    private static final List<String> CLASSES = List.of("background", "building", "water");
    private static byte[] onnxA;
    private static byte[] onnxB;

    @TempDir
    Path root;

    @BeforeAll
    static void models() {
        onnxA = TestOnnx.model(3, 3);
        onnxB = TestOnnx.model(3, 3);
    }

    @Test
    void registerListPromoteRollbackLoadRoundTrip() {
        ModelStore store = ModelStore.open(root.resolve("store"));
        ModelManifest v1 = store.register("unet", onnxA, TestOnnx.draft(null, CLASSES));
        ModelManifest v2 = store.register("unet", onnxB, TestOnnx.draft(1, CLASSES));
        ModelManifest v3 = store.register("unet", onnxA, TestOnnx.draft(2, CLASSES));

        assertThat(List.of(v1.version(), v2.version(), v3.version())).containsExactly(1, 2, 3);
        assertThat(v2.parent()).isEqualTo(1);
        assertThat(v2.files()).containsEntry("model.onnx", Sha256.of(onnxB));
        assertThat(store.list("unet")).containsExactly(v1, v2, v3);
        assertThat(store.modelNames()).containsExactly("unet");
        assertThat(store.manifest("unet", 2)).contains(v2);
        assertThat(store.manifest("unet", 4)).isEmpty();
        assertThat(store.list("other")).isEmpty();
        assertThat(store.servingVersion("unet")).isEmpty();

        store.promote("unet", 1);
        store.promote("unet", 3);
        store.promote("unet", 3); // already serving: no new history entry
        assertThat(store.servingVersion("unet")).contains(3);
        assertThat(store.servingHistory("unet")).containsExactly(1, 3);

        assertThat(store.rollback("unet")).isEqualTo(1);
        assertThat(store.servingVersion("unet")).contains(1);
        assertThatThrownBy(() -> store.rollback("unet"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no previously serving version");

        LoadedModel loaded = store.load("unet", 2);
        assertThat(loaded.onnx()).isEqualTo(onnxB);
        assertThat(loaded.manifest()).isEqualTo(v2);
        assertThat(loaded.dir()).isEqualTo(store.root().resolve("unet").resolve("2"));
        assertThat(store.versionDir("unet", 2)).isEqualTo(loaded.dir());
        assertThat(loaded.manifest().toInputSpec().bands()).containsExactly("red", "green", "blue");

        // A second store object on the same directory (another process, in effect) sees the same state.
        ModelStore reopened = ModelStore.open(root.resolve("store"));
        assertThat(reopened.list("unet")).containsExactly(v1, v2, v3);
        assertThat(reopened.servingVersion("unet")).contains(1);
    }

    @Test
    void aTamperedOrMissingModelFileIsRefused() throws Exception {
        ModelStore store = ModelStore.open(root);
        store.register("unet", onnxA, TestOnnx.draft(null, CLASSES));
        Path file = root.resolve("unet/1/model.onnx");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(file, bytes);

        assertThatThrownBy(() -> store.load("unet", 1))
                .isInstanceOfSatisfying(ModelIntegrityException.class, e -> {
                    assertThat(e.file()).isEqualTo(file);
                    assertThat(e.expectedSha256()).isEqualTo(Sha256.of(onnxA));
                    assertThat(e.actualSha256()).isEqualTo(Sha256.of(bytes));
                    assertThat(e.getMessage()).contains(file.toString()).contains(e.expectedSha256())
                            .contains(e.actualSha256());
                });
        assertThatThrownBy(() -> store.promote("unet", 1)).isInstanceOf(ModelIntegrityException.class);
        assertThat(store.servingVersion("unet")).isEmpty();

        // Rolling back to a version altered since it served is refused too, and the pointer stays where it was.
        store.register("unet", onnxB, TestOnnx.draft(null, CLASSES));
        store.register("unet", onnxB, TestOnnx.draft(null, CLASSES));
        store.promote("unet", 2);
        store.promote("unet", 3);
        Path second = root.resolve("unet/2/model.onnx");
        byte[] secondBytes = Files.readAllBytes(second);
        secondBytes[secondBytes.length / 2] ^= 0x01;
        Files.write(second, secondBytes);
        assertThatThrownBy(() -> store.rollback("unet"))
                .isInstanceOf(ModelIntegrityException.class)
                .hasMessageContaining(second.toString());
        assertThat(store.servingVersion("unet")).contains(3);
        assertThat(store.servingHistory("unet")).containsExactly(2, 3);

        Files.delete(file);
        assertThatThrownBy(() -> store.load("unet", 1))
                .isInstanceOf(ModelIntegrityException.class)
                .hasMessageContaining("is missing");
    }

    @Test
    void garbageOnnxIsRefusedOnImportWithAClearReasonAndLeavesNoTrace() throws Exception {
        ModelStore store = ModelStore.open(root.resolve("store"));
        Path garbage = Files.write(root.resolve("garbage.onnx"), "definitely not protobuf".getBytes(StandardCharsets.UTF_8));
        Path manifest = writeManifest("imported", CLASSES);

        assertThatThrownBy(() -> store.importOnnx(garbage, manifest))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("refusing model 'imported': not a loadable ONNX model:");
        assertThat(store.list("imported")).isEmpty();
        assertThat(store.modelNames()).isEmpty();
        try (Stream<Path> left = Files.walk(store.root())) {
            assertThat(left.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .allMatch(n -> n.equals(".lock"));
        }
    }

    @Test
    void importRefusesModelsThatDoNotFitTheManifest() throws Exception {
        ModelStore store = ModelStore.open(root.resolve("store"));
        Path threeClasses = Files.write(root.resolve("m.onnx"), onnxA);

        assertThatThrownBy(() -> store.importOnnx(threeClasses, writeManifest("m", List.of("land", "water"))))
                .hasMessage("refusing model 'm': it outputs 3 classes but the manifest lists 2 class names [land, water]");

        Path fourBands = Files.write(root.resolve("nir.onnx"), TestOnnx.model(4, 3));
        assertThatThrownBy(() -> store.importOnnx(fourBands, writeManifest("m", CLASSES)))
                .hasMessage("refusing model 'm': it takes 4 input channels but the manifest lists 3 bands [red, green, blue]");

        Path noName = Files.writeString(root.resolve("no-name.json"), "{\"classNames\":[\"a\",\"b\"]}");
        assertThatThrownBy(() -> store.importOnnx(threeClasses, noName)).hasMessageContaining("has no 'name'");

        Path badSpec = Files.writeString(root.resolve("bad-spec.json"), """
                {"name":"m","classNames":["a","b","c"],
                 "inputSpec":{"bands":["r","g","b"],"tileSize":256,"scale":255,"mean":[0,0],"std":[1,1,1]}}
                """);
        assertThatThrownBy(() -> store.importOnnx(threeClasses, badSpec))
                .hasMessageContaining("invalid manifest")
                .hasMessageContaining("one value per band");
        assertThat(store.modelNames()).isEmpty();
    }

    @Test
    void importAcceptsAMatchingModelAndAssignsTheVersion() throws Exception {
        ModelStore store = ModelStore.open(root.resolve("store"));
        Path onnx = Files.write(root.resolve("m.onnx"), onnxA);
        Path manifest = Files.writeString(root.resolve("m.json"), """
                {"name":"landcover","version":99,"files":{"model.onnx":"0000"},"createdAt":"2001-01-01T00:00:00Z",
                 "classNames":["background","building","water"],"metrics":{"miou":0.61},
                 "inputSpec":{"bands":["red","green","blue"],"tileSize":256,"scale":255.0,
                              "mean":[0.485,0.456,0.406],"std":[0.229,0.224,0.225]}}
                """);

        ModelManifest m = store.importOnnx(onnx, manifest);

        assertThat(m.name()).isEqualTo("landcover");
        assertThat(m.version()).isEqualTo(1);
        assertThat(m.objective()).isEqualTo("imported");
        assertThat(m.metrics()).containsEntry("miou", 0.61);
        assertThat(m.files()).containsExactlyEntriesOf(java.util.Map.of("model.onnx", Sha256.of(onnxA)));
        assertThat(m.createdAt()).isNotEqualTo("2001-01-01T00:00:00Z");
        assertThat(store.load("landcover", 1).onnx()).isEqualTo(onnxA);
    }

    @Test
    void importRefusesMoreClassesThanAMaskCanHoldBesideNoDataAndAcceptsTheMostItCan() throws Exception {
        ModelStore store = ModelStore.open(root.resolve("store"));
        // Real models whose outputs match their manifests, so only the class count can be the reason.
        Path tooMany = Files.write(root.resolve("256.onnx"), TestOnnx.model(3, 256));
        Path most = Files.write(root.resolve("255.onnx"), TestOnnx.model(3, 255));

        assertThatThrownBy(() -> store.importOnnx(tooMany, writeManifest("wide", classes(256))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid manifest")
                .hasMessageEndingWith("a model may have at most 255 classes (mask value 255 means no data), the manifest"
                        + " lists 256");
        assertThat(store.modelNames()).isEmpty();

        ModelManifest accepted = store.importOnnx(most, writeManifest("wide", classes(255)));
        assertThat(accepted.classNames()).hasSize(255);
        assertThat(store.list("wide")).containsExactly(accepted);
    }

    private static List<String> classes(int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add("class" + i);
        }
        return names;
    }

    @Test
    void badNamesVersionsAndParentsGetClearErrors() {
        ModelStore store = ModelStore.open(root);
        assertThatThrownBy(() -> store.register("../escape", onnxA, TestOnnx.draft(null, CLASSES)))
                .hasMessageContaining("invalid model name '../escape'");
        assertThatThrownBy(() -> store.list("unet@3")).hasMessageContaining("invalid model name");
        assertThatThrownBy(() -> store.register("unet", onnxA, TestOnnx.draft(7, CLASSES)))
                .hasMessage("parent version 7 of model 'unet' does not exist");
        store.register("unet", onnxA, TestOnnx.draft(null, CLASSES));
        assertThatThrownBy(() -> store.load("unet", 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no version 5").hasMessageContaining("[1]");
        assertThatThrownBy(() -> store.promote("unet", 5)).hasMessageContaining("has no version 5");
        assertThatThrownBy(() -> store.rollback("unet")).hasMessageContaining("never been promoted");
    }

    @Test
    void concurrentWritersGetDistinctVersionsAndReadersNeverSeeAPartialOne() throws Exception {
        ModelStore store = ModelStore.open(root);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicBoolean writing = new AtomicBoolean(true);
        try {
            Future<Integer> reader = pool.submit(() -> {
                int reads = 0;
                while (writing.get() || reads == 0) {
                    for (ModelManifest m : ModelStore.open(root).list("unet")) {
                        assertThat(store.load("unet", m.version()).onnx()).isEqualTo(onnxA);
                        reads++;
                    }
                }
                return reads;
            });
            List<Future<ModelManifest>> writes = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                // distinct store objects: the lock must hold across instances, not only within one
                writes.add(pool.submit(() -> ModelStore.open(root).register("unet", onnxA, TestOnnx.draft(null, CLASSES))));
            }
            List<Integer> versions = new ArrayList<>();
            for (Future<ModelManifest> w : writes) {
                versions.add(w.get().version());
            }
            writing.set(false);
            assertThat(reader.get()).isGreaterThan(0);
            assertThat(versions).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8, 9);
            assertThat(store.list("unet")).hasSize(9);
        } finally {
            writing.set(false);
            pool.shutdownNow();
        }
    }

    private Path writeManifest(String name, List<String> classes) throws Exception {
        String json = """
                {"name":"%s","objective":"supervised","classNames":[%s],
                 "inputSpec":{"bands":["red","green","blue"],"tileSize":256,"scale":255.0,
                              "mean":[0.485,0.456,0.406],"std":[0.229,0.224,0.225]}}
                """.formatted(name, String.join(",", classes.stream().map(c -> "\"" + c + "\"").toList()));
        return Files.writeString(root.resolve(name + "-" + classes.size() + ".json"), json);
    }
}
