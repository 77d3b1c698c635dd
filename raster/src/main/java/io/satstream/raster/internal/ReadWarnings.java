package io.satstream.raster.internal;

import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;

/**
 * Collects the warnings an ImageIO reader raises while decoding. The JDK readers report a truncated or
 * corrupt JPEG only as a warning and hand back a partially grey image, so the caller must check.
 */
public final class ReadWarnings implements IIOReadWarningListener {
    private final List<String> warnings = new ArrayList<>();

    public static ReadWarnings attachTo(ImageReader reader) {
        ReadWarnings listener = new ReadWarnings();
        reader.addIIOReadWarningListener(listener);
        return listener;
    }

    @Override
    public void warningOccurred(ImageReader source, String warning) {
        warnings.add(warning == null ? "(no message)" : warning.strip());
    }

    public List<String> all() {
        return List.copyOf(warnings);
    }

    public boolean isEmpty() {
        return warnings.isEmpty();
    }
}
