package io.satstream.raster;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fixed display colours for segmentation classes, so that the same class looks the same in every mask a
 * person opens: water blue, vegetation green, bare soil tan, road grey, building red, cloud white. Other
 * classes take colours from Kenneth Kelly's list of maximally distinct colours, by class index.
 */
public final class ClassPalette {
    private static final Map<String, Integer> NAMED = Map.ofEntries(
            Map.entry("water", 0x1F78B4),
            Map.entry("vegetation", 0x33A02C),
            Map.entry("bare_soil", 0xD2B48C),
            Map.entry("road", 0x808080),
            Map.entry("building", 0xE31A1C),
            Map.entry("cloud", 0xFFFFFF),
            Map.entry("background", 0x000000),
            Map.entry("unlabeled", 0x000000),
            Map.entry("nodata", 0x000000));
    /** Other spellings of the names above, as found in public datasets (e.g. Dubai's "Land (unpaved area)"). */
    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("land", "bare_soil"),
            Map.entry("soil", "bare_soil"),
            Map.entry("bare", "bare_soil"),
            Map.entry("barren", "bare_soil"),
            Map.entry("roads", "road"),
            Map.entry("buildings", "building"),
            Map.entry("clouds", "cloud"),
            Map.entry("trees", "vegetation"),
            Map.entry("forest", "vegetation"),
            Map.entry("unlabelled", "unlabeled"),
            Map.entry("void", "unlabeled"),
            Map.entry("ignore", "unlabeled"));
    private static final List<Integer> DISTINCT = List.of(
            0xFFB300, 0x803E75, 0xFF6800, 0xA6BDD7, 0xC10020, 0xCEA262, 0x817066, 0x007D34, 0xF6768E, 0x00538A,
            0xFF7A5C, 0x53377A, 0xFF8E00, 0xB32851, 0xF4C800, 0x7F180D, 0x93AA00, 0x593315, 0xF13A13, 0x232C16);

    private ClassPalette() {}

    /**
     * The colour of a class as {@code 0xRRGGBB}: its fixed colour when the name is a known one
     * (case, spaces, hyphens and a parenthesised remark are ignored), else a distinct colour by index.
     */
    public static int colorFor(String className, int index) {
        if (index < 0) {
            throw new IllegalArgumentException("class index must not be negative, got " + index);
        }
        Integer named = className == null ? null : NAMED.get(canonical(className));
        return named != null ? named : DISTINCT.get(index % DISTINCT.size());
    }

    /** {@link #colorFor} as CSS hex, e.g. {@code #1F78B4}. */
    public static String hexFor(String className, int index) {
        return String.format("#%06X", colorFor(className, index));
    }

    /** The colours of a whole class list, indexed like it. */
    public static int[] colorsFor(List<String> classNames) {
        int[] colours = new int[classNames.size()];
        for (int i = 0; i < colours.length; i++) {
            colours[i] = colorFor(classNames.get(i), i);
        }
        return colours;
    }

    static String canonical(String className) {
        String name = className.toLowerCase(Locale.ROOT);
        int remark = name.indexOf('(');
        if (remark > 0) {
            name = name.substring(0, remark);
        }
        name = name.strip().replaceAll("[\\s-]+", "_");
        return ALIASES.getOrDefault(name, name);
    }
}
