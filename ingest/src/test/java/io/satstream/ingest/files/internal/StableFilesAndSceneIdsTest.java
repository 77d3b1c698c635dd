package io.satstream.ingest.files.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

class StableFilesAndSceneIdsTest {
    private static final long MS = 1_000_000L;

    @Test
    void aFileIsReadyOnlyAfterItsSizeStayedTheSameLongEnough() {
        StableFiles stable = new StableFiles(500 * MS);
        Path a = Path.of("/in/a.tif");
        assertThat(stable.update(Map.of(a, new StableFiles.Seen(100, 1)), 0)).isEmpty();
        assertThat(stable.update(Map.of(a, new StableFiles.Seen(200, 2)), 400 * MS)).as("still growing").isEmpty();
        assertThat(stable.update(Map.of(a, new StableFiles.Seen(200, 2)), 800 * MS)).as("stable 400 ms").isEmpty();
        assertThat(stable.update(Map.of(a, new StableFiles.Seen(200, 2)), 900 * MS)).containsExactly(a);
        stable.handled(a, new StableFiles.Seen(200, 2));
        assertThat(stable.update(Map.of(a, new StableFiles.Seen(200, 2)), 5000 * MS)).as("handled once").isEmpty();
        assertThat(stable.waiting()).isZero();
        // replaced by new content: ready again once stable
        assertThat(stable.update(Map.of(a, new StableFiles.Seen(300, 9)), 6000 * MS)).isEmpty();
        assertThat(stable.update(Map.of(a, new StableFiles.Seen(300, 9)), 6600 * MS)).containsExactly(a);
        // gone from the listing: forgotten
        stable.update(Map.of(), 7000 * MS);
        assertThat(stable.waiting()).isZero();
    }

    @Test
    void sceneIdsAreTheFileNameWithoutExtensionMadeSafe() {
        assertThat(SceneIds.forFileName("RGB.byte.tif")).isEqualTo("RGB.byte");
        assertThat(SceneIds.forFileName("image_part_001.jpg")).isEqualTo("image_part_001");
        String spaced = SceneIds.forFileName("my scene.tif");
        String colon = SceneIds.forFileName("my:scene.tif");
        assertThat(spaced).startsWith("my_scene~").doesNotContain("/", " ");
        assertThat(colon).startsWith("my_scene~").isNotEqualTo(spaced);
        assertThat(SceneIds.forFileName("a/b\\..tif")).doesNotContain("/");
        assertThat(SceneIds.forFileName("x".repeat(300) + ".png")).hasSizeLessThanOrEqualTo(100);
    }
}
