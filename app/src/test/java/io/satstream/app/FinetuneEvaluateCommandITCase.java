package io.satstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelStore;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code satstream finetune} and {@code satstream evaluate} on the Dubai tiles of shared/data with the class file the
 * repository ships, in-process against a real store whose serving version is a 6-class RGB model: one tiny fine-tune
 * (4 steps of 2 crops of 64 px) shared by the tests, then evaluations of what it registered.
 */
class FinetuneEvaluateCommandITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> DUBAI = List.of("Building", "Land (unpaved area)", "Road", "Vegetation", "Water");

    @TempDir
    static Path tmp;

    private static Path workDir;
    private static CliRun finetune;

    private static String dataset() {
        return TestFixtures.sharedData().resolve("dubai-aerial-semseg").toString();
    }

    private static String classes() {
        return Path.of("../datasets/dubai-aerial-semseg.classes.json").toAbsolutePath().normalize().toString();
    }

    @BeforeAll
    static void fineTuneOnce() {
        workDir = tmp.resolve("work");
        TestFixtures.createServingModel(workDir.resolve("models"));
        finetune = CliRun.of("finetune", "--dataset", dataset(), "--classes", classes(), "--steps", "4",
                "--batch-size", "2", "--crop", "64", "--checkpoint-every", "2", "--work-dir", workDir.toString());
    }

    @Test
    void finetuneRegistersACandidateWithTheDatasetsClassesAndItsParentLeavingServingAsItWas() {
        assertThat(finetune.exitCode()).as(finetune.err()).isZero();
        assertThat(finetune.err()).isEmpty();
        assertThat(finetune.outLines())
                .contains("start: unet@1 (the serving version; head fresh for 5 classes, the parent had 6)")
                .anySatisfy(l -> assertThat(l).startsWith("dataset: " + dataset() + " (36 pairs: 27 training, 9"
                        + " validation; classes Building, Land (unpaved area), Road, Vegetation, Water;"))
                .anySatisfy(l -> assertThat(l).matches("registered unet@2 \\(candidate; serving stays unet@1\\): mIoU"
                        + " \\d\\.\\d{3}, pixel accuracy \\d\\.\\d{3} on 9 validation images"))
                .anySatisfy(l -> assertThat(l).startsWith("IoU per class: Building "));

        ModelStore store = ModelStore.open(workDir.resolve("models"));
        ModelManifest m = store.manifest("unet", 2).orElseThrow();
        assertThat(m.classNames()).isEqualTo(DUBAI);
        assertThat(m.parent()).isEqualTo(1);
        assertThat(m.objective()).isEqualTo("finetune");
        assertThat(m.metrics()).containsKeys("miou", "pixel_accuracy", "iou.Building", "iou.Water")
                .containsEntry("steps", 4.0).containsEntry("validation_pairs", 9.0);
        assertThat(m.network()).containsEntry("warmStartFrom", "unet@1");
        assertThat(store.servingVersion("unet")).contains(1);
        assertThat(workDir.resolve("finetune")).isDirectoryContaining(p -> Files.isRegularFile(p.resolve("run.json")));
    }

    @Test
    void evaluateJsonIsOneObjectWithPerClassIouMatchingTheScoresTheFineTuneRecorded() throws Exception {
        CliRun run = CliRun.of("evaluate", "--dataset", dataset(), "--classes", classes(), "--model", "unet@2",
                "--json", "--work-dir", workDir.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines()).hasSize(1);
        JsonNode o = JSON.readTree(run.out());
        assertThat(o.get("model").asText()).isEqualTo("unet@2");
        assertThat(o.get("split").asText()).isEqualTo("validation");
        assertThat(o.get("images").asInt()).isEqualTo(9);
        assertThat(JSON.convertValue(o.get("classes"), List.class)).isEqualTo(DUBAI);
        assertThat(o.get("iou").size()).isEqualTo(5);
        ModelManifest m = ModelStore.open(workDir.resolve("models")).manifest("unet", 2).orElseThrow();
        // the same ONNX model on the same whole validation images: the fine-tune's own measurement, exactly
        assertThat(o.get("miou").asDouble()).isEqualTo(m.metrics().get("miou"));
        assertThat(o.get("pixel_accuracy").asDouble()).isEqualTo(m.metrics().get("pixel_accuracy"));
        for (String c : DUBAI) {
            if (m.metrics().containsKey("iou." + c)) {
                assertThat(o.get("iou").get(c).asDouble()).as(c).isEqualTo(m.metrics().get("iou." + c));
            }
        }
        long sum = 0;
        for (JsonNode row : o.get("confusion_matrix")) {
            assertThat(row.size()).isEqualTo(5);
            for (JsonNode v : row) {
                sum += v.asLong();
            }
        }
        assertThat(sum).isEqualTo(o.get("pixels").asLong()).isEqualTo(m.metrics().get("eval_pixels").longValue());
        // Tile 6 part 005, a validation pair, holds 678 black pixels (SOURCE.md)
        assertThat(o.get("unknown_pixels").asLong()).isEqualTo(678);
    }

    @Test
    void evaluatePngWritesAHeatMapAndTheTableNamesIt() throws Exception {
        Path png = tmp.resolve("out/confusion.png");

        CliRun run = CliRun.of("evaluate", "--dataset", dataset(), "--classes", classes(), "--model", "2",
                "--png", png.toString(), "--work-dir", workDir.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines()).contains("confusion matrix PNG: " + png)
                .anySatisfy(l -> assertThat(l).startsWith("unet@2 on the validation split of " + dataset()
                        + ": 9 images, "))
                .anySatisfy(l -> assertThat(l).matches("mIoU \\d\\.\\d{3} .*pixel accuracy \\d\\.\\d{3}"))
                .contains("confusion matrix (pixels; rows: truth, columns: predicted)");
        byte[] bytes = Files.readAllBytes(png);
        assertThat(Arrays.copyOf(bytes, 8)).containsExactly(0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n');
        BufferedImage image = ImageIO.read(png.toFile());
        // 260 + 110 px per class high, 120 px wider for the colour scale
        assertThat(image.getHeight()).isEqualTo(260 + 110 * 5);
        assertThat(image.getWidth()).isEqualTo(260 + 110 * 5 + 120);
    }

    @Test
    void evaluateRefusesAVersionWithOtherClassesNamingBothLists() {
        CliRun run = CliRun.of("evaluate", "--dataset", dataset(), "--classes", classes(), "--work-dir",
                workDir.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("satstream: error: model unet@1 has classes " + TestFixtures.CLASSES
                        + " but the dataset's class file " + classes() + " lists " + DUBAI);
    }

    @Test
    void resumeWithoutACheckpointOfTheseSettingsIsOneErrorLine() {
        CliRun run = CliRun.of("finetune", "--dataset", dataset(), "--classes", classes(), "--steps", "5",
                "--crop", "64", "--resume", "--work-dir", workDir.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("satstream: error: no checkpoint of a run with these settings (run ")
                .contains("resume takes exactly the settings of the interrupted run");
    }

    @Test
    void wrongArgumentsAreOneLineAndExitTwoWithNothingWritten() {
        Path fresh = tmp.resolve("never-created");
        String missing = tmp.resolve("no-such-dataset").toString();
        List<List<String>> cases = List.of(
                List.of("finetune", "--dataset", dataset(), "--label-fraction", "0"),
                List.of("finetune", "--dataset", dataset(), "--label-fraction", "1.5"),
                List.of("finetune", "--dataset", missing),
                List.of("finetune", "--dataset", dataset(), "--crop", "30"),
                List.of("finetune", "--dataset", dataset(), "--scratch", "--from", "1"),
                List.of("finetune", "--dataset", dataset(), "--classes", missing),
                List.of("evaluate", "--dataset", missing),
                List.of("evaluate", "--dataset", dataset(), "--split", "test"));
        List<String> messages = List.of("--label-fraction must be in (0, 1], got 0",
                "--label-fraction must be in (0, 1], got 1.5", "--dataset " + missing + ": no such folder",
                "--crop must be a positive multiple of 4, got 30", "--scratch and --from exclude each other",
                "--classes " + missing + ": no such file", "--dataset " + missing + ": no such folder",
                "'test' is not a split: validation, training or all");
        for (int i = 0; i < cases.size(); i++) {
            List<String> args = new java.util.ArrayList<>(cases.get(i));
            args.addAll(List.of("--work-dir", fresh.toString()));
            CliRun run = CliRun.of(args.toArray(String[]::new));
            assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(run.errLines()).singleElement().asString().startsWith("satstream: ")
                    .contains(messages.get(i)).endsWith("(see 'satstream " + args.get(0) + " --help')");
        }
        assertThat(fresh).doesNotExist();
    }
}
