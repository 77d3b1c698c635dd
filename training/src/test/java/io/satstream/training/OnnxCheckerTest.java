package io.satstream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.satstream.inference.InputSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exported models pass the reference ONNX checker (Debian's python3-onnx) with full shape inference: a trained
 * segmentation model, a crop-conditioned pretext network (6 channels in, 2 classes) and a candidate fine-tuned from
 * it through a warm start, i.e. every kind of file the trainers write.
 */
class OnnxCheckerTest {

    private static final String PYTHON = "/usr/bin/python3";

    @Test
    void exportedModelPassesTheOnnxChecker(@TempDir Path dir) throws Exception {
        requireOnnxPackage();
        Path file = dir.resolve("model.onnx");
        Files.write(file, TestModels.smallTrained().onnx());

        Result r = run(PYTHON, "-c",
                "import onnx,sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)",
                file.toString());

        assertThat(r.exitCode).as("onnx.checker output:%n%s", r.output).isZero();
    }

    @Test
    void pretextAndWarmStartedCandidateModelsPassTheOnnxChecker(@TempDir Path dir) throws Exception {
        requireOnnxPackage();
        byte[] pretext = OnnxExporter.exportInitialised(new SegmentationNet(new SegmentationNet.Config(6, 2, 4)));
        byte[] candidate;
        try (TrainedModel tuned = new SupervisedTrainer().train(new SegmentationNet.Config(3, 3, 4),
                InputSpec.rgbUint8(32), new SyntheticBlobs(32),
                new TrainingOptions(2, 2, 32, 1e-3f, 1L), (s, n, l) -> { }, pretext)) {
            candidate = tuned.onnx();
        }
        for (byte[] model : new byte[][] {pretext, candidate}) {
            Path file = Files.write(dir.resolve("model-" + model.length + ".onnx"), model);
            Result r = run(PYTHON, "-c",
                    "import onnx,sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)",
                    file.toString());
            assertThat(r.exitCode).as("onnx.checker output:%n%s", r.output).isZero();
        }
    }

    @Test
    void theCheckerRejectsACorruptedModel(@TempDir Path dir) throws Exception {
        requireOnnxPackage();
        byte[] onnx = TestModels.smallTrained().onnx();
        // Keep the bytes a valid protobuf but break the graph: rename the Concat op to an op that does not exist.
        String latin = new String(onnx, StandardCharsets.ISO_8859_1).replace("Concat", "Cancat");
        Path file = dir.resolve("broken.onnx");
        Files.write(file, latin.getBytes(StandardCharsets.ISO_8859_1));

        Result r = run(PYTHON, "-c",
                "import onnx,sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)",
                file.toString());

        assertThat(r.exitCode).as("checker must fail on an unknown op").isNotZero();
        assertThat(r.output).contains("Cancat");
    }

    private static void requireOnnxPackage() throws Exception {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            fail(PYTHON + " not found: run `apt-get install -y python3 python3-onnx`");
        }
        Result probe = run(PYTHON, "-c", "import onnx");
        if (probe.exitCode != 0) {
            fail("python3-onnx is missing (" + probe.output.strip() + "): run `apt-get install -y python3-onnx`");
        }
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + String.join(" ", command));
        }
        return new Result(p.exitValue(), out);
    }
}
