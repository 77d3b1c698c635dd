package io.satstream.training.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitRuleTest {

    private static List<LabelledPair> pairs(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> new LabelledPair("g/p" + i, Path.of("i" + i), Path.of("m" + i)))
                .toList();
    }

    @Test
    void aPairsSideDependsOnItsIdAloneSoAddingPairsMovesNoOtherPair() {
        List<LabelledPair> first = pairs(0, 200);
        List<LabelledPair> grown = new ArrayList<>(first);
        grown.addAll(pairs(200, 400));

        List<LabelledPair> before = SplitRule.validation(first);
        List<LabelledPair> after = SplitRule.validation(grown);

        assertThat(after.stream().filter(first::contains).toList()).isEqualTo(before);
        // about a fifth of the pairs: 200 draws at p = 0.2 stay within 25..55 (more than 3 standard deviations)
        assertThat(before.size()).isBetween(25, 55);
    }

    @Test
    void aTinyDatasetStillGetsOnePairOnEachSide() {
        for (int start = 0; start < 50; start++) {
            List<LabelledPair> two = pairs(start, start + 2);
            assertThat(SplitRule.validation(two)).as("pairs %d..%d", start, start + 1).hasSize(1);
        }
        assertThatThrownBy(() -> SplitRule.validation(pairs(0, 1))).hasMessageContaining("at least 2 pairs");
    }

    @Test
    void labelFractionsKeepCeilOfTheShareAtLeastOneAndAreNested() {
        List<LabelledPair> training = pairs(0, 10);

        assertThat(SplitRule.fraction(training, 0.3)).hasSize(3);
        assertThat(SplitRule.fraction(training, 0.31)).hasSize(4);
        assertThat(SplitRule.fraction(training, 0.01)).hasSize(1);
        assertThat(SplitRule.fraction(training, 1.0)).isEqualTo(training);
        assertThat(SplitRule.fraction(training, 0.7)).containsAll(SplitRule.fraction(training, 0.3));
        assertThat(SplitRule.fraction(training, 0.3)).isSubsetOf(training).isSortedAccordingTo(
                (a, b) -> Integer.compare(training.indexOf(a), training.indexOf(b)));
        assertThatThrownBy(() -> SplitRule.fraction(training, 0)).hasMessageContaining("(0, 1], got 0.0");
        assertThatThrownBy(() -> SplitRule.fraction(training, 1.5)).hasMessageContaining("(0, 1], got 1.5");
    }

    @Test
    void theHashIsSha256OfSaltAndIdAsAFraction() {
        // sha256("satstream-split:Tile 1/image_part_002") starts 2e7e364e...: 0x2e7e364e... / 2^64 = 0.18161...,
        // below 0.2, so a validation pair (any tool can recompute the split from this rule)
        assertThat(SplitRule.unit("satstream-split:", "Tile 1/image_part_002")).isCloseTo(0.181613344,
                within(1e-9));
        assertThat(SplitRule.unit("a", "b")).isEqualTo(SplitRule.unit("a", "b")).isNotEqualTo(SplitRule.unit("b", "a"));
    }
}
