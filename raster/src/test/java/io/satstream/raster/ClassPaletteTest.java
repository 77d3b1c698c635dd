package io.satstream.raster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ClassPaletteTest {
    @Test
    void knownClassesHaveTheirColourWhateverTheirIndex() {
        assertThat(ClassPalette.hexFor("water", 7)).isEqualTo("#1F78B4");
        assertThat(ClassPalette.colorFor("cloud", 0)).isEqualTo(0xFFFFFF);
        assertThat(ClassPalette.colorFor("Building", 3)).isEqualTo(ClassPalette.colorFor("building", 0));
        assertThat(ClassPalette.colorFor("bare soil", 1)).isEqualTo(ClassPalette.colorFor("bare_soil", 2));
    }

    @Test
    void datasetSpellingsMapToTheSameColours() {
        // the Dubai dataset's class names
        assertThat(ClassPalette.colorFor("Land (unpaved area)", 1)).isEqualTo(ClassPalette.colorFor("bare_soil", 0));
        assertThat(ClassPalette.colorFor("Road", 2)).isEqualTo(ClassPalette.colorFor("road", 0));
        assertThat(ClassPalette.colorFor("Unlabeled", 5)).isEqualTo(0x000000);
    }

    @Test
    void unknownClassesGetDistinctColoursByIndex() {
        List<String> classes = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        int[] colours = ClassPalette.colorsFor(classes);
        Set<Integer> distinct = new HashSet<>();
        for (int c : colours) {
            distinct.add(c);
        }
        assertThat(distinct).hasSize(classes.size());
        assertThat(ClassPalette.colorFor("a", 0)).isEqualTo(ClassPalette.colorFor("zzz", 0));
    }

    @Test
    void theSixSyntheticClassesAreAllDifferent() {
        int[] colours = ClassPalette.colorsFor(List.of("water", "vegetation", "bare_soil", "road", "building", "cloud"));
        assertThat(Set.of(colours[0], colours[1], colours[2], colours[3], colours[4], colours[5])).hasSize(6);
    }
}
