package io.satstream.modelstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a job reading {@code model-events} relies on: a version fetched by the URI an event names is verified
 * against the sha256 the event carries and the bytes on disk, and {@code servingChangedAt} says when
 * {@code serving.json} last changed, rollbacks included.
 */
class ReferencedVersionTest {
    private static final List<String> CLASSES = List.of("background", "building", "water");

    @TempDir
    Path root;
    ModelStore store;
    ModelManifest v1;
    ModelManifest v2;

    @BeforeEach
    void store() {
        store = ModelStore.open(root.resolve("store"));
        v1 = store.register("unet", TestOnnx.model(3, 3), TestOnnx.draft(null, CLASSES));
        v2 = store.register("unet", TestOnnx.model(3, 3), TestOnnx.draft(1, CLASSES));
    }

    private URI uri(ModelManifest m) {
        return store.versionDir(m.name(), m.version()).toUri();
    }

    @Test
    void aVersionIsFetchedByItsUriWhenEveryShaTheEventCarriesMatches() {
        LoadedModel loaded = ModelStore.loadReferenced(uri(v2), "unet", 2, v2.files());
        assertThat(loaded.manifest()).isEqualTo(v2);
        assertThat(loaded.onnx()).isEqualTo(store.load("unet", 2).onnx());
        // an event written before events carried every file checks against the manifest alone
        assertThat(ModelStore.loadReferenced(uri(v2), "unet", 2, Map.of()).manifest()).isEqualTo(v2);
    }

    @Test
    void aFlippedByteOrAnEventShaThatIsNotTheManifestsIsAnIntegrityError() throws Exception {
        assertThatThrownBy(() -> ModelStore.loadReferenced(uri(v2), "unet", 2, Map.of("model.onnx", "00".repeat(32))))
                .isInstanceOf(ModelIntegrityException.class)
                .hasMessageContaining("the event says 'model.onnx' of unet@2 has sha256 " + "00".repeat(32));
        Path onnx = store.versionDir("unet", 2).resolve(ModelManifest.MODEL_FILE);
        byte[] bytes = Files.readAllBytes(onnx);
        bytes[bytes.length / 2] ^= 0x01;
        onnx.toFile().setWritable(true);
        Files.write(onnx, bytes);
        assertThatThrownBy(() -> ModelStore.loadReferenced(uri(v2), "unet", 2, v2.files()))
                .isInstanceOf(ModelIntegrityException.class)
                .hasMessageContaining("manifest expects sha256 " + v2.files().get("model.onnx"));
    }

    @Test
    void aUriThatIsNotTheNamedVersionsDirectoryIsRefused() {
        assertThatThrownBy(() -> ModelStore.loadReferenced(uri(v1), "unet", 2, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("is not the directory of unet@2 in a model store (expected <store>/unet/2)");
        assertThatThrownBy(() -> ModelStore.loadReferenced(URI.create("s3://bucket/models/unet/2/"), "unet", 2,
                Map.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only file: URIs are supported");
        assertThatThrownBy(() -> ModelStore.loadReferenced(root.resolve("elsewhere/unet/2").toUri(), "unet", 2,
                Map.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no version 2");
    }

    @Test
    void servingChangedAtMovesWithEveryPromotionAndRollback() throws Exception {
        assertThat(store.servingChangedAt("unet")).isEmpty();
        store.promote("unet", 1);
        Instant first = store.servingChangedAt("unet").orElseThrow();
        Thread.sleep(5);
        store.promote("unet", 2);
        Instant second = store.servingChangedAt("unet").orElseThrow();
        assertThat(second).isAfter(first);
        Thread.sleep(5);
        store.rollback("unet");
        // the rollback is a change of its own, later than any promotion in the history it keeps
        assertThat(store.servingChangedAt("unet").orElseThrow()).isAfter(second);
    }

    @Test
    void aServingFileWrittenBeforeChangedAtExistedFallsBackToTheLastPromotion() throws Exception {
        Path serving = root.resolve("store/unet").resolve(ModelStore.SERVING_FILE);
        Files.createDirectories(serving.getParent());
        Files.writeString(serving, "{\"name\":\"unet\",\"version\":1,\"history\":[{\"version\":1,"
                + "\"promotedAt\":\"2026-11-01T10:00:00Z\"}]}", StandardCharsets.UTF_8);
        assertThat(store.servingVersion("unet")).contains(1);
        assertThat(store.servingChangedAt("unet")).contains(Instant.parse("2026-11-01T10:00:00Z"));
    }
}
