package io.satstream.training;

import io.satstream.modelstore.InputSpecJson;
import io.satstream.modelstore.ManifestDraft;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Manifest drafts for what training produced: the store knows manifests, training knows its networks. */
public final class TrainedManifests {

    private TrainedManifests() {
    }

    /** A draft describing a freshly trained model: its spec, metrics and network configuration. */
    public static ManifestDraft draft(TrainedModel model, String objective, Integer parent, List<String> classNames) {
        return new ManifestDraft(parent, objective, InputSpecJson.of(model.spec()), classNames, model.metrics(),
                network(model.config()));
    }

    /** The {@code network} map of a manifest for a {@link SegmentationNet}. */
    public static Map<String, Object> network(SegmentationNet.Config cfg) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architecture", "unet");
        m.put("levels", SegmentationNet.LEVELS);
        m.put("inChannels", cfg.inChannels());
        m.put("numClasses", cfg.numClasses());
        m.put("baseChannels", cfg.baseChannels());
        // The job pads tiles to this multiple (the UNet's pooling needs it).
        m.put("sizeMultiple", 1 << SegmentationNet.LEVELS);
        return m;
    }
}
