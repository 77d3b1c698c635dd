package io.satstream.modelstore.events;

import io.satstream.modelstore.InputSpecJson;
import io.satstream.modelstore.ModelManifest;

import java.util.List;
import java.util.Map;

/**
 * A manifest for the event tests, written by hand rather than registered: no ONNX is needed to build events, and
 * every field differs from the defaults (four bands, two files, a parent) so a field left out shows.
 */
final class EventFixtures {

    static final String MODEL = "unet-sop";

    private EventFixtures() {}

    static ModelManifest manifest() {
        InputSpecJson spec = new InputSpecJson(List.of("red", "green", "blue", "nir"), 512, 10000f,
                new float[] {0.1f, 0.2f, 0.3f, 0.4f}, new float[] {0.5f, 0.6f, 0.7f, 0.8f});
        return new ModelManifest(MODEL, 7, 6, "2026-01-02T03:04:05.678Z", "sop", spec,
                List.of("background", "building", "water"), Map.of("miou", 0.61),
                Map.of(ModelManifest.MODEL_FILE, "ab".repeat(32), "labels.json", "cd".repeat(32)),
                Map.of("width", 8));
    }
}
