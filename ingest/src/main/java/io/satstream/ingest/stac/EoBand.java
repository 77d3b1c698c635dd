package io.satstream.ingest.stac;

import java.util.Locale;

/** One entry of an {@code eo:bands} list: the band's own name and its optional common name (red, nir...). */
public record EoBand(String name, String commonName) {

    /** The name tiles carry: the common name when there is one, else the band name; lower case. */
    public String label() {
        String label = commonName != null && !commonName.isBlank() ? commonName : name;
        return label == null ? null : label.trim().toLowerCase(Locale.ROOT);
    }
}
