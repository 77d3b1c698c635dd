package io.satstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.modelstore.ManifestDraft;
import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelStore;
import io.satstream.training.OnnxExporter;
import io.satstream.training.SegmentationNet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real model store for the {@code models} command tests, built once per JVM and copied into each test's work
 * directory: {@code unet@1} is {@link TestFixtures}'s trained model (serving), {@code unet@2} and {@code unet@3} are
 * freshly initialised networks of the same shape, so every version has its own ONNX bytes and sha256.
 */
final class ModelsTestStore {
    static final String MODEL = "unet";

    private static Path template;

    private ModelsTestStore() {}

    /** Copies the store into {@code <workDir>/models} and returns that store root. */
    static Path copyInto(Path workDir) throws IOException {
        Path source = template();
        Path root = workDir.resolve("models");
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path p : paths.toList()) {
                Path target = root.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return root;
    }

    private static synchronized Path template() throws IOException {
        if (template == null) {
            Path dir = Files.createTempDirectory("models-command-store");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir), "delete-models-test-store"));
            TestFixtures.createServingModel(dir);
            ModelStore store = ModelStore.open(dir);
            ModelManifest v1 = store.manifest(MODEL, 1).orElseThrow();
            store.register(MODEL, freshOnnx(v1), new ManifestDraft(1, "finetune", v1.inputSpec(), v1.classNames(),
                    Map.of("miou", 0.7, "pixel_accuracy", 0.9), v1.network()));
            store.register(MODEL, freshOnnx(v1), new ManifestDraft(2, "sop", v1.inputSpec(), v1.classNames(),
                    Map.of("miou", 0.75), v1.network()));
            // The tests tell versions apart by checksum; identical bytes would let a wrong version pass.
            assertThat(Stream.of(1, 2, 3).map(v -> sha256(dir.resolve(MODEL).resolve(v + "/model.onnx"))).distinct())
                    .hasSize(3);
            template = dir;
        }
        return template;
    }

    private static byte[] freshOnnx(ModelManifest like) {
        SegmentationNet net = new SegmentationNet(new SegmentationNet.Config(like.inputSpec().bands().size(),
                like.classNames().size(), 8));
        return OnnxExporter.exportInitialised(net);
    }

    /**
     * Writes {@code <dir>/<name>.json}, a manifest for {@code models import} of an RGB model of {@code classes}
     * (tile size 64, ImageNet normalisation, miou 0.42), and returns it.
     */
    static Path writeImportManifest(Path dir, String name, List<String> classes) throws IOException {
        Map<String, Object> manifest = Map.of(
                "name", name,
                "classNames", classes,
                "metrics", Map.of("miou", 0.42),
                "inputSpec", Map.of("bands", List.of("red", "green", "blue"), "tileSize", 64, "scale", 255.0,
                        "mean", List.of(0.485, 0.456, 0.406), "std", List.of(0.229, 0.224, 0.225)));
        return Files.writeString(dir.resolve(name + ".json"), new ObjectMapper().writeValueAsString(manifest));
    }

    /** Every file and directory under {@code root}, by relative path, with each file's sha256: to compare states. */
    static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> state = new TreeMap<>();
        if (!Files.exists(root)) {
            return state;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.toList()) {
                state.put(root.relativize(p).toString(), Files.isDirectory(p) ? "dir" : sha256(p));
            }
        }
        return state;
    }

    /** Computed here, independently of the store's own hashing. */
    static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort at JVM exit; the directory is under target/
        }
    }
}
