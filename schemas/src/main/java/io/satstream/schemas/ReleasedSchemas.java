package io.satstream.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.Schema;

/**
 * Every released version of each wire schema, kept as resources under {@code schemas/released/}
 * ({@code <name>-v<N>.avsc}, fully expanded). Decoders register them so old and new writers stay
 * readable; {@code SchemaCompatibilityTest} proves each change stays backward and forward compatible.
 */
public final class ReleasedSchemas {

    /** Highest released version per schema; bump when a new version is released. */
    public static final int TILE_LATEST = 2;
    public static final int SEGMENTATION_LATEST = 2;
    public static final int MODEL_EVENT_LATEST = 2;

    private ReleasedSchemas() {}

    public static List<Schema> all(String name) {
        List<Schema> out = new ArrayList<>();
        for (int v = 1; v <= latest(name); v++) {
            out.add(load(name, v));
        }
        return out;
    }

    public static int latest(String name) {
        switch (name) {
            case "tile": return TILE_LATEST;
            case "segmentation": return SEGMENTATION_LATEST;
            case "model-event": return MODEL_EVENT_LATEST;
            default: throw new IllegalArgumentException("unknown schema " + name);
        }
    }

    public static Schema load(String name, int version) {
        String resource = "/schemas/released/" + name + "-v" + version + ".avsc";
        try (InputStream in = ReleasedSchemas.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("released schema missing from the jar: " + resource);
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
