package io.satstream.modelstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.satstream.inference.InputSpec;
import io.satstream.modelstore.internal.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelManifestTest {

    private static ModelManifest sample() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("train_loss", 0.125);
        metrics.put("miou", 0.71);
        metrics.put("held_out_miou", Double.NaN); // a metric with nothing to measure must survive JSON too
        Map<String, Object> network = new LinkedHashMap<>();
        network.put("inChannels", 4);
        network.put("numClasses", 2);
        network.put("baseChannels", 16);
        InputSpec spec = new InputSpec(List.of("blue", "green", "red", "nir"), 256, 10000f,
                new float[] {0.1f, 0.12f, 0.11f, 0.3f}, new float[] {0.05f, 0.06f, 0.07f, 0.1f});
        return new ModelManifest("buildings", 4, 3, "2026-05-01T12:30:00.125Z", "sop", InputSpecJson.of(spec),
                List.of("background", "building"), metrics, Map.of("model.onnx", "ab".repeat(32)), network);
    }

    @Test
    void jsonRoundTripKeepsEveryField() throws Exception {
        ModelManifest m = sample();

        byte[] json = Json.MAPPER.writeValueAsBytes(m);
        ModelManifest back = Json.MAPPER.readValue(json, ModelManifest.class);

        assertThat(back).isEqualTo(m);
        assertThat(back.toInputSpec()).isEqualTo(m.toInputSpec());
        assertThat(back.toInputSpec().mean()).containsExactly(0.1f, 0.12f, 0.11f, 0.3f);
        JsonNode tree = Json.MAPPER.readTree(json);
        assertThat(tree.fieldNames()).toIterable().containsExactly("name", "version", "parent", "createdAt",
                "objective", "inputSpec", "classNames", "metrics", "files", "network");
        assertThat(tree.get("inputSpec").get("bands").get(3).asText()).isEqualTo("nir");
        assertThat(tree.get("metrics").get("miou").asDouble()).isEqualTo(0.71);
        assertThat(m.ref()).isEqualTo("buildings@4");
    }

    @Test
    void aFirstVersionHasANullParentInJson() throws Exception {
        ModelManifest m = new ModelManifest("unet", 1, null, "2026-05-01T00:00:00Z", "supervised",
                InputSpecJson.of(InputSpec.rgbUint8(256)), List.of("a", "b"), null, null, null);
        ModelManifest back = Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(m), ModelManifest.class);
        assertThat(back).isEqualTo(m);
        assertThat(back.parent()).isNull();
        assertThat(back.metrics()).isEmpty();
    }

    @Test
    void invalidManifestsAreRefused() {
        InputSpecJson spec = InputSpecJson.of(InputSpec.rgbUint8(256));
        assertThatThrownBy(() -> new ModelManifest("unet", 0, null, "2026-05-01T00:00:00Z", "x", spec,
                List.of("a", "b"), null, null, null)).hasMessageContaining("version must be >= 1");
        assertThatThrownBy(() -> new ModelManifest("unet", 1, null, "yesterday", "x", spec,
                List.of("a", "b"), null, null, null)).hasMessageContaining("not an ISO-8601 instant: yesterday");
        assertThatThrownBy(() -> new ModelManifest("unet", 1, null, "2026-05-01T00:00:00Z", "x", spec,
                List.of("a", "a"), null, null, null)).hasMessageContaining("unique");
        assertThatThrownBy(() -> Json.MAPPER.readValue("""
                {"name":"unet","version":1,"createdAt":"2026-05-01T00:00:00Z","objective":"x","classNames":["a","b"],
                 "inputSpec":{"bands":["r"],"tileSize":256,"scale":255,"mean":[0],"std":[0]}}
                """, ModelManifest.class)).hasMessageContaining("std of band r must be positive");
    }
}
