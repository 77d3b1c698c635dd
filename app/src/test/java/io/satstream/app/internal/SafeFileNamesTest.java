package io.satstream.app.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafeFileNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"tile-0001", "S2A_MSIL2A_20240101.r3.c4", "a"})
    void leavesSafeIdsAlone(String id) {
        assertThat(SafeFileNames.forId(id)).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scene/7:r0c1", "../../etc/passwd", "..", ".", "", ".hidden", "-rf", "a b", "ünï/cödé", "x\u0000y"})
    void makesAnythingElseAPlainFileName(String id) {
        String name = SafeFileNames.forId(id);
        assertThat(name).matches("[A-Za-z0-9_][A-Za-z0-9._~-]*");
        assertThat(name).isNotIn(".", "..");
        assertThat(name).contains("~"); // marked as rewritten
    }

    @Test
    void idsThatDifferOnlyInReplacedCharactersGetDifferentNames() {
        List<String> ids = List.of("a/b", "a:b", "a_b", "a b", "a\\b");
        Set<String> names = new HashSet<>();
        ids.forEach(id -> names.add(SafeFileNames.forId(id)));
        assertThat(names).hasSize(ids.size());
    }

    @Test
    void isDeterministicAndBounded() {
        String longId = "z/".repeat(1000);
        assertThat(SafeFileNames.forId(longId)).isEqualTo(SafeFileNames.forId(longId));
        assertThat(SafeFileNames.forId(longId).length()).isLessThanOrEqualTo(SafeFileNames.MAX_LENGTH);
        assertThat(SafeFileNames.forId("y".repeat(500)).length()).isLessThanOrEqualTo(SafeFileNames.MAX_LENGTH);
        assertThat(SafeFileNames.forId("y".repeat(500))).isNotEqualTo(SafeFileNames.forId("y".repeat(501)));
    }
}
