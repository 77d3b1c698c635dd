package io.satstream.training.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.satstream.inference.Evaluation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The folder convention on small written datasets: where pairs are found, how masks map, what is refused. */
class LabelledDatasetLayoutTest {

    private static final String COLOUR_CLASSES = """
            {"classes": [{"name": "red", "color": "#FF0000"}, {"name": "blue", "color": "#0000FF"}],
             "ignore": ["#808080"]}""";

    @TempDir
    Path dir;

    @BeforeEach
    void classFile() throws Exception {
        Files.writeString(dir.resolve(LabelledDataset.CLASS_FILE), COLOUR_CLASSES);
    }

    @Test
    void pairsInTheFolderItselfByNameWithTheClassFileInside() {
        image("images/a.png", 8, 6);
        image("images/b.jpg", 8, 6);
        Pngs.rgb(dir.resolve("masks/a.png"), 8, 6, (x, y) -> x < 4 ? 0xFF0000 : 0x0000FF);
        Pngs.rgb(dir.resolve("masks/b.png"), 8, 6, (x, y) -> 0x808080);

        LabelledDataset d = LabelledDataset.open(dir, null);

        assertThat(d.pairs()).extracting(LabelledPair::id).containsExactly("a", "b");
        assertThat(d.classFilePath()).isEqualTo(dir.toAbsolutePath().normalize().resolve("satstream-classes.json"));
        LabelledImage a = d.read(d.pairs().get(0));
        assertThat(a.sample().width()).isEqualTo(8);
        assertThat(a.sample().labels()[0]).isEqualTo((byte) 0);
        assertThat(a.sample().labels()[7]).isEqualTo((byte) 1);
        LabelledImage b = d.read(d.pairs().get(1));
        assertThat(b.ignoredPixels()).isEqualTo(48);
        assertThat(b.unknownPixels()).isZero();
        assertThat(b.sample().labels()).containsOnly((byte) Evaluation.IGNORE);
    }

    @Test
    void pairsInGroupSubfoldersKeyedByGroupAndNameSkippingOtherFolders() throws Exception {
        for (String g : List.of("Tile 2", "Tile 1")) {
            image(g + "/images/x.png", 4, 4);
            Pngs.rgb(dir.resolve(g + "/masks/x.png"), 4, 4, (px, py) -> 0xFF0000);
        }
        Files.createDirectories(dir.resolve("notes"));
        Files.writeString(dir.resolve(".DS_Store"), "hidden");

        assertThat(LabelledDataset.open(dir, null).pairs()).extracting(LabelledPair::id)
                .containsExactly("Tile 1/x", "Tile 2/x");
    }

    @Test
    void unknownMaskColoursAreIgnoredAndCountedByColour() {
        pair("a", 4, 4);
        image("images/b.png", 4, 4);
        Pngs.rgb(dir.resolve("masks/b.png"), 4, 4, (x, y) -> y == 0 ? 0x000000 : y == 1 ? 0x010203 : 0xFF0000);

        LabelledDataset d = LabelledDataset.open(dir, null);
        LabelledImage b = d.read(d.pairs().get(1));

        assertThat(b.unknownPixels()).isEqualTo(8);
        assertThat(b.unknownValues()).containsEntry("colour #000000", 4L).containsEntry("colour #010203", 4L);
        byte[] labels = b.sample().labels();
        for (int i = 0; i < 16; i++) {
            assertThat(labels[i]).as("pixel %d", i).isEqualTo(i < 8 ? (byte) Evaluation.IGNORE : 0);
        }
    }

    @Test
    void idMasksAreSingleBandValuesAndGreyColourMasksReadAsGreyColours() throws Exception {
        pair("a", 4, 4);
        image("images/b.png", 4, 4);
        Pngs.grey(dir.resolve("masks/b.png"), 4, 4, (x, y) -> x == 0 ? 7 : x == 1 ? 0 : 255);
        Path idClasses = dir.resolve("ids.json");
        Files.writeString(idClasses, """
                {"classes": [{"name": "bg", "id": 0}, {"name": "house", "id": 7}], "ignore": [255]}""");

        LabelledDataset ids = LabelledDataset.open(dir, idClasses);
        LabelledImage b = ids.read(ids.pairs().get(1));
        assertThat(b.sample().labels()).startsWith((byte) 1, (byte) 0, (byte) Evaluation.IGNORE);
        assertThat(b.ignoredPixels()).isEqualTo(8);
        assertThatThrownBy(() -> ids.read(ids.pairs().get(0)))
                .hasMessageContaining("masks/a.png: an id mask must have one 8- or 16-bit band")
                .hasMessageContaining("for RGB masks give colours in the class file");

        // A grey mask under a colour class file: value v is the colour (v, v, v); 128 is the ignore grey #808080.
        Pngs.grey(dir.resolve("masks/b.png"), 4, 4, (x, y) -> 128);
        LabelledDataset colours = LabelledDataset.open(dir, null);
        assertThat(colours.read(colours.pairs().get(1)).ignoredPixels()).isEqualTo(16);
    }

    @Test
    void refusesAnImageWithoutMaskNamingTheFileAndWhereTheMaskShouldBe() {
        pair("a", 4, 4);
        image("images/b.jpg", 4, 4);

        assertThatThrownBy(() -> LabelledDataset.open(dir, null)).isInstanceOf(DatasetException.class)
                .hasMessage("image " + abs("images/b.jpg") + " has no mask: expected " + abs("masks/b.png")
                        + " (or .tif, .tiff)");
    }

    @Test
    void refusesAMaskWithoutImage() {
        pair("a", 4, 4);
        pair("b", 4, 4);
        Pngs.rgb(dir.resolve("masks/c.png"), 4, 4, (x, y) -> 0);

        assertThatThrownBy(() -> LabelledDataset.open(dir, null))
                .hasMessageStartingWith("mask " + abs("masks/c.png") + " has no image named c.* in ");
    }

    @Test
    void refusesAMaskOfAnotherSizeThanItsImage() {
        pair("a", 4, 4);
        image("images/b.png", 8, 6);
        Pngs.rgb(dir.resolve("masks/b.png"), 8, 5, (x, y) -> 0xFF0000);

        LabelledDataset d = LabelledDataset.open(dir, null);
        assertThatThrownBy(() -> d.read(d.pairs().get(1)))
                .hasMessage("mask " + abs("masks/b.png") + " is 8x5 but its image " + abs("images/b.png")
                        + " is 8x6");
    }

    @Test
    void refusesAFileThatDoesNotDecodeNamingIt() throws Exception {
        pair("a", 4, 4);
        Files.writeString(dir.resolve("images/b.png"), "not a png");
        Pngs.rgb(dir.resolve("masks/b.png"), 4, 4, (x, y) -> 0xFF0000);

        LabelledDataset d = LabelledDataset.open(dir, null);
        assertThatThrownBy(() -> d.read(d.pairs().get(1)))
                .hasMessageStartingWith("image " + abs("images/b.png") + " does not decode: ");
    }

    @Test
    void refusesTwoImagesOfOneNameAndFilesOfOtherKinds() throws Exception {
        pair("a", 4, 4);
        image("images/a.jpg", 4, 4);
        assertThatThrownBy(() -> LabelledDataset.open(dir, null))
                .hasMessageContaining("two files named a in " + abs("images") + ": a.jpg and a.png");

        Files.delete(dir.resolve("images/a.jpg"));
        Files.writeString(dir.resolve("images/readme.txt"), "hi");
        assertThatThrownBy(() -> LabelledDataset.open(dir, null))
                .hasMessageStartingWith(abs("images/readme.txt") + " is not an image file (.jpg, .jpeg, .png, .tif,"
                        + " .tiff)");
    }

    @Test
    void refusesImagesOfDifferentBandsInOneRead() {
        pair("a", 4, 4);
        Pngs.grey(dir.resolve("images/b.png"), 4, 4, (x, y) -> 9);
        Pngs.rgb(dir.resolve("masks/b.png"), 4, 4, (x, y) -> 0xFF0000);

        LabelledDataset d = LabelledDataset.open(dir, null);
        assertThatThrownBy(() -> d.read(d.pairs()))
                .hasMessageContaining("image " + abs("images/b.png") + " has bands [gray] but ")
                .hasMessageContaining("every image of a dataset needs the same bands");
    }

    @Test
    void refusesAFolderWithoutTheLayoutOrClassFileOrEnoughPairs() throws Exception {
        assertThatThrownBy(() -> LabelledDataset.open(dir, null))
                .hasMessageStartingWith("no images/ and masks/ folders in " + dir.toAbsolutePath().normalize());
        pair("a", 4, 4);
        assertThatThrownBy(() -> LabelledDataset.open(dir, null))
                .hasMessageContaining("has 1 image/mask pair(s); it needs at least 2");
        Files.delete(dir.resolve(LabelledDataset.CLASS_FILE));
        assertThatThrownBy(() -> LabelledDataset.open(dir, null))
                .hasMessageStartingWith("no class file in the dataset: " + abs("satstream-classes.json")
                        + " does not exist");
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> LabelledDataset.open(missing, null))
                .hasMessage("dataset folder " + missing + " does not exist or is not a folder");
    }

    private void pair(String name, int w, int h) {
        image("images/" + name + ".png", w, h);
        Pngs.rgb(dir.resolve("masks/" + name + ".png"), w, h, (x, y) -> (x + y) % 2 == 0 ? 0xFF0000 : 0x0000FF);
    }

    private void image(String relative, int w, int h) {
        Pngs.rgb(dir.resolve(relative), w, h, (x, y) -> (x * 40) << 16 | (y * 40) << 8 | 99);
    }

    private String abs(String relative) {
        return dir.toAbsolutePath().normalize().resolve(relative).toString();
    }
}
