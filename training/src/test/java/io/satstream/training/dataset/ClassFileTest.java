package io.satstream.training.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.satstream.inference.Evaluation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassFileTest {

    private static ClassFile parse(String json) {
        return ClassFile.parse(json.getBytes(StandardCharsets.UTF_8), "test.json");
    }

    @Test
    void colourClassesAreLabelsInListOrderIgnoreIs255AndAnythingElseUnknown() {
        ClassFile f = parse("""
                {"classes": [{"name": "water", "color": "#0000FF"}, {"name": "land", "color": "#00ff00"}],
                 "ignore": ["#9B9B9B"]}""");

        assertThat(f.kind()).isEqualTo(ClassFile.Kind.COLOR);
        assertThat(f.names()).containsExactly("water", "land");
        assertThat(f.labelOf(0x0000FF)).isZero();
        assertThat(f.labelOf(0x00FF00)).as("hex digits in either case").isEqualTo(1);
        assertThat(f.labelOf(0x9B9B9B)).isEqualTo(Evaluation.IGNORE);
        assertThat(f.labelOf(0x000000)).isEqualTo(ClassFile.UNKNOWN);
        assertThat(f.describe(0x9B9B9B)).isEqualTo("colour #9B9B9B");
    }

    @Test
    void idClassesMapSingleBandValues() {
        ClassFile f = parse("""
                {"description": "ids", "classes": [{"name": "bg", "id": 0}, {"name": "building", "id": 7}],
                 "ignore": [255]}""");

        assertThat(f.kind()).isEqualTo(ClassFile.Kind.ID);
        assertThat(f.labelOf(7)).isEqualTo(1);
        assertThat(f.labelOf(255)).isEqualTo(Evaluation.IGNORE);
        assertThat(f.labelOf(3)).isEqualTo(ClassFile.UNKNOWN);
        assertThat(f.describe(3)).isEqualTo("id 3");
    }

    @Test
    void theShippedDubaiClassFileHasTheFiveColoursOfSourceMdAndUnlabeledAsIgnore() {
        ClassFile f = ClassFile.read(DubaiData.classFile());

        assertThat(f.names()).containsExactly("Building", "Land (unpaved area)", "Road", "Vegetation", "Water");
        assertThat(IntStream.range(0, 5).map(f::valueOf).toArray())
                .containsExactly(0x3C1098, 0x8429F6, 0x6EC1E4, 0xFEDD3A, 0xE2A929);
        assertThat(f.ignoreValues()).containsExactly(0x9B9B9B);
    }

    @Test
    void refusesWhatCannotBeAClassFileWithOneMessageNamingTheFileAndTheProblem() {
        String a = "{\"name\": \"a\", \"color\": \"#000001\"}";
        String b = "{\"name\": \"b\", \"color\": \"#000002\"}";
        assertRefused("not json", "not valid JSON");
        assertRefused("[]", "expected a JSON object with \"classes\"");
        assertRefused("{\"classes\": [" + a + "]}", "at least 2 classes, \"classes\" lists 1");
        assertRefused("{\"classes\": [" + a + ", {\"name\": \"a\", \"color\": \"#000002\"}]}",
                "class name \"a\" appears twice");
        assertRefused("{\"classes\": [" + a + ", {\"name\": \"b\", \"color\": \"#000001\"}]}",
                "class 1 (b) has the colour #000001 of class a");
        assertRefused("{\"classes\": [" + a + ", {\"name\": \"b\", \"id\": 2}]}",
                "use colours for every class or ids for every class");
        assertRefused("{\"classes\": [" + a + ", {\"name\": \"b\", \"color\": \"#00000G\"}]}",
                "class 1 (b): a colour is a string \"#RRGGBB\", got \"#00000G\"");
        assertRefused("{\"classes\": [" + a + ", {\"name\": \"b\"}]}", "needs exactly one of \"color\"");
        assertRefused("{\"classes\": [" + a + ", {\"name\": \" \", \"color\": \"#000002\"}]}",
                "class 1 needs a non-blank \"name\"");
        assertRefused("{\"classes\": [" + a + ", {\"name\": \"b\", \"colour\": \"#000002\"}]}",
                "class 1 has an unknown field \"colour\" (fields: color, id, name)");
        assertRefused("{\"classes\": [" + a + ", " + b + "], \"ignore\": [\"#000002\"]}",
                "ignore entry 0 colour #000002 is the value of class b");
        assertRefused("{\"classes\": [" + a + ", " + b + "], \"ignore\": [3]}", "ignore entry 0: a colour is a string");
        assertRefused("{\"classes\": [{\"name\": \"a\", \"id\": 70000}, {\"name\": \"b\", \"id\": 1}]}",
                "an id is an integer in 0..65535, got 70000");
        assertRefused("{\"classes\": [" + a + ", " + b + "], \"palette\": 1}",
                "the class file has an unknown field \"palette\"");
        String many = IntStream.range(0, 256).mapToObj(i -> "{\"name\": \"c" + i + "\", \"id\": " + i + "}")
                .collect(Collectors.joining(", ", "{\"classes\": [", "]}"));
        assertRefused(many, "at most 255 classes (label 255 means ignore), \"classes\" lists 256");
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path tmp) {
        Path missing = tmp.resolve("nope.json");
        assertThatThrownBy(() -> ClassFile.read(missing)).isInstanceOf(DatasetException.class)
                .hasMessage("class file " + missing + " does not exist or is not a file");
    }

    @Test
    void readNamesTheFileInEveryProblem(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("c.json");
        Files.writeString(file, "{\"classes\": []}");
        assertThatThrownBy(() -> ClassFile.read(file)).hasMessageStartingWith("class file " + file + ": ");
    }

    private static void assertRefused(String json, String message) {
        assertThatThrownBy(() -> parse(json)).as(json).isInstanceOf(DatasetException.class)
                .hasMessageStartingWith("class file test.json: ")
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
