package io.satstream.ingest.tiling;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What the tiler needs to know about a scene besides its pixels.
 *
 * @param sceneId stable id of the scene; tile ids are {@code <sceneId>/r<row>c<col>}
 * @param source the feed and origin, e.g. {@code files:/data/in/a.tif}; copied to every tile
 * @param acquiredAt when the scene was captured, or null when unknown
 * @param attributes copied to every tile's attributes
 */
public record SceneRef(String sceneId, String source, Instant acquiredAt, Map<String, String> attributes) {
    public SceneRef {
        Objects.requireNonNull(sceneId, "sceneId");
        Objects.requireNonNull(source, "source");
        if (sceneId.isBlank()) {
            throw new IllegalArgumentException("scene id must not be blank");
        }
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }
}
