package io.satstream.app;

import static io.satstream.app.ModelsTestStore.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.modelstore.ModelStore;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code satstream models ...} against a real store on disk with real ONNX models, run in-process. */
class ModelsCommandITCase {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path workDir;
    private Path root;

    @BeforeEach
    void store() throws Exception {
        workDir = tmp.resolve("work");
        root = ModelsTestStore.copyInto(workDir);
    }

    @Test
    void listJsonHasTheContractShapeWithExactlyTheServingVersionMarked() throws Exception {
        CliRun run = CliRun.of("models", "list", "--json", "--work-dir", workDir.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        JsonNode list = JSON.readTree(run.out());
        assertThat(list.isArray()).isTrue();
        assertThat(versions(list)).containsExactly(1, 2, 3);
        List<Integer> serving = new ArrayList<>();
        for (JsonNode v : list) {
            assertThat(v.get("version").isInt()).isTrue();
            assertThat(v.get("serving").isBoolean()).isTrue();
            assertThat(v.get("objective").isTextual()).isTrue();
            assertThat(v.get("metrics").isObject()).isTrue();
            assertThat(v.get("files").isArray()).isTrue();
            if (v.get("serving").asBoolean()) {
                serving.add(v.get("version").asInt());
            }
            Path versionDir = root.resolve(MODEL).resolve(v.get("version").asText());
            List<Path> files = StreamSupport.stream(v.get("files").spliterator(), false)
                    .map(f -> Path.of(f.asText())).toList();
            assertThat(files).allSatisfy(f -> {
                assertThat(f).isAbsolute().exists().isRegularFile();
                assertThat(f.getParent()).isEqualTo(versionDir);
            });
            assertThat(files).contains(versionDir.resolve("model.onnx"), versionDir.resolve("manifest.json"));
            assertThat(v.get("sha256").asText()).isEqualTo(ModelsTestStore.sha256(versionDir.resolve("model.onnx")));
        }
        assertThat(serving).containsExactly(1);
        assertThat(list.get(0).get("objective").asText()).isEqualTo("test");
        assertThat(list.get(1).get("objective").asText()).isEqualTo("finetune");
        assertThat(list.get(1).get("metrics").get("miou").asDouble()).isEqualTo(0.7);
        assertThat(list.get(2).get("parent").asInt()).isEqualTo(2);
    }

    @Test
    void listTableMarksTheServingVersionAndShowsObjectiveMetricsAndChecksumPrefix() {
        CliRun run = CliRun.of("models", "list", "--work-dir", workDir.toString());

        assertThat(run.exitCode()).isZero();
        List<String> lines = run.outLines();
        assertThat(lines.get(0)).contains("MODEL", "VERSION", "OBJECTIVE", "MIOU", "SHA256");
        String sha2 = ModelsTestStore.sha256(root.resolve(MODEL).resolve("2/model.onnx"));
        assertThat(row(lines, 1)).startsWith("*").contains(" test ");
        assertThat(row(lines, 2)).startsWith(" ").contains("finetune", "0.7000", "0.9000", sha2.substring(0, 12))
                .doesNotContain(sha2.substring(0, 13));
        assertThat(row(lines, 3)).startsWith(" ").contains("sop", "0.7500");
        assertThat(lines).last().asString().isEqualTo("store: " + root + " (* = serving)");
    }

    @Test
    void promoteThenRollbackMovesTheServingPointerAndListFollows() throws Exception {
        CliRun promote = CliRun.of("models", "promote", "3", "--work-dir", workDir.toString());

        assertThat(promote.exitCode()).isZero();
        assertThat(promote.err()).isEmpty();
        assertThat(promote.outLines()).contains("unet: serving 1 -> 3", "store: " + root);
        // without --bootstrap no event goes out, so the note says what a running job does then
        assertThat(promote.outLines()).contains("note: no event was published (no --bootstrap): a running job keeps the"
                + " version it serves; a job started afresh serves unet@3");
        assertThat(ModelStore.open(root).servingVersion(MODEL)).contains(3);
        assertThat(servingIn(listJson())).containsExactly(3);

        CliRun rollback = CliRun.of("models", "rollback", "--work-dir", workDir.toString());

        assertThat(rollback.exitCode()).isZero();
        assertThat(rollback.outLines()).contains("unet: serving 3 -> 1");
        assertThat(ModelStore.open(root).servingVersion(MODEL)).contains(1);
        assertThat(servingIn(listJson())).containsExactly(1);

        // Nothing served before 1: a second rollback is refused and changes nothing.
        Map<String, String> before = ModelsTestStore.snapshot(root);
        CliRun again = CliRun.of("models", "rollback", "--work-dir", workDir.toString());
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.errLines()).singleElement().asString()
                .startsWith("satstream: error: model 'unet' has no previously serving version to roll back to");
        assertThat(ModelsTestStore.snapshot(root)).isEqualTo(before);
    }

    @Test
    void promotingTheServingVersionIsSaidAndChangesNothing() throws Exception {
        Map<String, String> before = ModelsTestStore.snapshot(root);
        CliRun run = CliRun.of("models", "promote", "unet@1", "--work-dir", workDir.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines()).contains("unet: 1 was already serving (unchanged)");
        assertThat(ModelsTestStore.snapshot(root)).isEqualTo(before);
    }

    @Test
    void promotingAnUnknownVersionOrModelIsOneErrorLineAndChangesNothing() throws Exception {
        Map<String, String> before = ModelsTestStore.snapshot(root);

        CliRun unknownVersion = CliRun.of("models", "promote", "9", "--work-dir", workDir.toString());
        assertThat(unknownVersion.exitCode()).isEqualTo(1);
        assertThat(unknownVersion.errLines()).containsExactly("satstream: error: model 'unet' has no version 9 in "
                + root + " (versions: [1, 2, 3])");
        assertThat(unknownVersion.out()).isEmpty();

        CliRun unknownModel = CliRun.of("models", "promote", "landcover@1", "--work-dir", workDir.toString());
        assertThat(unknownModel.exitCode()).isEqualTo(1);
        assertThat(unknownModel.errLines()).containsExactly("satstream: error: model 'landcover' is not in the store"
                + " at " + root + " (models there: unet; choose one with --name)");

        // Malformed arguments are usage errors, refused before the store is read.
        for (String[] args : List.of(
                new String[] {"models", "promote", "0", "--work-dir", workDir.toString()},
                new String[] {"models", "promote", "three", "--work-dir", workDir.toString()},
                new String[] {"models", "promote", "../x@1", "--work-dir", workDir.toString()},
                new String[] {"models", "promote", "unet@2", "--name", "other", "--work-dir", workDir.toString()},
                new String[] {"models", "promote", "--work-dir", workDir.toString()})) {
            CliRun run = CliRun.of(args);
            assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(run.errLines()).as(String.join(" ", args)).singleElement().asString()
                    .startsWith("satstream: ").endsWith("(see 'satstream models promote --help')");
        }
        assertThat(ModelsTestStore.snapshot(root)).isEqualTo(before);
        assertThat(ModelStore.open(root).servingVersion(MODEL)).contains(1);
    }

    @Test
    void showPrintsTheManifestAndVerifiesTheFiles() throws Exception {
        Path onnx = root.resolve(MODEL).resolve("2/model.onnx");
        String sha = ModelsTestStore.sha256(onnx);

        CliRun text = CliRun.of("models", "show", "2", "--work-dir", workDir.toString());
        assertThat(text.exitCode()).isZero();
        assertThat(text.outLines()).contains("model:     unet@2", "objective: finetune", "parent:    unet@1",
                "  miou 0.7000", "  " + onnx + "  sha256 " + sha, "integrity: verified (every file matches its sha256)",
                "serving history: 1 (last serves)");
        for (int i = 0; i < TestFixtures.CLASSES.size(); i++) {
            assertThat(text.out()).contains(String.format("%3d %s", i, TestFixtures.CLASSES.get(i)));
        }
        assertThat(text.out()).contains("bands red, green, blue; tile 64 px");

        CliRun json = CliRun.of("models", "show", "unet@2", "--json", "--work-dir", workDir.toString());
        assertThat(json.exitCode()).isZero();
        JsonNode v = JSON.readTree(json.out());
        assertThat(v.get("version").asInt()).isEqualTo(2);
        assertThat(v.get("serving").asBoolean()).isFalse();
        assertThat(v.get("verified").asBoolean()).isTrue();
        assertThat(v.get("sha256").asText()).isEqualTo(sha);
        assertThat(JSON.convertValue(v.get("classNames"), List.class)).isEqualTo(TestFixtures.CLASSES);
        assertThat(JSON.convertValue(v.get("inputSpec").get("bands"), List.class)).containsExactly("red", "green", "blue");
        assertThat(v.get("network").get("numClasses").asInt()).isEqualTo(TestFixtures.CLASSES.size());

        // An altered file: show says so and fails, and the version cannot be promoted.
        byte[] bytes = Files.readAllBytes(onnx);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(onnx, bytes);
        CliRun altered = CliRun.of("models", "show", "2", "--work-dir", workDir.toString());
        assertThat(altered.exitCode()).isEqualTo(1);
        assertThat(altered.outLines()).contains("integrity: FAILED");
        assertThat(altered.errLines()).singleElement().asString()
                .startsWith("satstream: error: integrity check failed for " + onnx);
        CliRun promote = CliRun.of("models", "promote", "2", "--work-dir", workDir.toString());
        assertThat(promote.exitCode()).isEqualTo(1);
        assertThat(promote.errLines()).singleElement().asString().contains("integrity check failed");
        assertThat(ModelStore.open(root).servingVersion(MODEL)).contains(1);
    }

    @Test
    void importAddsAGoodOnnxModelAsANewNonServingVersion() throws Exception {
        Path onnx = Files.copy(root.resolve(MODEL).resolve("1/model.onnx"), tmp.resolve("landcover.onnx"));
        Path manifest = ModelsTestStore.writeImportManifest(tmp, "landcover", TestFixtures.CLASSES);

        CliRun run = CliRun.of("models", "import", onnx.toString(), "--manifest", manifest.toString(),
                "--work-dir", workDir.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.outLines().get(0)).startsWith("imported landcover@1 from " + onnx)
                .contains("sha256 " + ModelsTestStore.sha256(onnx));
        assertThat(run.out()).contains("satstream models promote landcover@1 --store " + root.toUri());
        JsonNode list = JSON.readTree(CliRun.of("models", "list", "--json", "--name", "landcover",
                "--work-dir", workDir.toString()).out());
        assertThat(versions(list)).containsExactly(1);
        assertThat(list.get(0).get("serving").asBoolean()).isFalse();
        assertThat(list.get(0).get("objective").asText()).isEqualTo("imported");
        assertThat(list.get(0).get("metrics").get("miou").asDouble()).isEqualTo(0.42);
        Path stored = StreamSupport.stream(list.get(0).get("files").spliterator(), false)
                .map(f -> Path.of(f.asText())).filter(f -> f.endsWith("model.onnx")).findFirst().orElseThrow();
        assertThat(stored).isEqualTo(root.resolve("landcover/1/model.onnx"));
        assertThat(Files.readAllBytes(stored)).isEqualTo(Files.readAllBytes(onnx));
        // Without --name, list shows every model in the store.
        assertThat(versions(listJson())).containsExactly(1, 1, 2, 3);
    }

    @Test
    void importOfGarbageIsOneErrorLineAndLeavesTheStoreAsItWas() throws Exception {
        Path garbage = Files.write(tmp.resolve("garbage.onnx"), "not an onnx model at all".getBytes(StandardCharsets.UTF_8));
        Path manifest = ModelsTestStore.writeImportManifest(tmp, "landcover", TestFixtures.CLASSES);
        Map<String, String> before = ModelsTestStore.snapshot(root);
        String listBefore = CliRun.of("models", "list", "--json", "--work-dir", workDir.toString()).out();

        CliRun run = CliRun.of("models", "import", garbage.toString(), "--manifest", manifest.toString(),
                "--work-dir", workDir.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("satstream: error: refusing model 'landcover': not a loadable ONNX model:");
        assertThat(run.out()).isEmpty();
        assertThat(ModelsTestStore.snapshot(root)).isEqualTo(before);
        assertThat(CliRun.of("models", "list", "--json", "--work-dir", workDir.toString()).out()).isEqualTo(listBefore);

        // Into a store that does not exist yet, a refused import leaves no store behind.
        Path fresh = tmp.resolve("fresh-work");
        CliRun intoNothing = CliRun.of("models", "import", garbage.toString(), "--manifest", manifest.toString(),
                "--work-dir", fresh.toString());
        assertThat(intoNothing.exitCode()).isEqualTo(1);
        assertThat(fresh).doesNotExist();
    }

    @Test
    void importWithAManifestNamingPathsOutsideTheStoreIsOneErrorLineAndLeavesTheStoreAsItWas() throws Exception {
        Path onnx = Files.copy(root.resolve(MODEL).resolve("1/model.onnx"), tmp.resolve("landcover.onnx"));
        Map<String, String> before = ModelsTestStore.snapshot(root);
        Map<String, Object> inputSpec = Map.of("bands", List.of("red", "green", "blue"), "tileSize", 64,
                "scale", 255.0, "mean", List.of(0.485, 0.456, 0.406), "std", List.of(0.229, 0.224, 0.225));
        Map<String, String> expected = Map.of(
                "../../escape", "invalid model name '../../escape'",
                "two\nlines", "invalid model name 'two\\u000alines'",
                "files", "'files' lists a file outside the version directory: file name '../../etc/passwd' is not a"
                        + " plain file name in the version directory");

        for (Map.Entry<String, String> e : expected.entrySet()) {
            boolean files = e.getKey().equals("files");
            Map<String, Object> m = new java.util.HashMap<>(Map.of("name", files ? "landcover" : e.getKey(),
                    "classNames", TestFixtures.CLASSES, "inputSpec", inputSpec));
            if (files) {
                m.put("files", Map.of("../../etc/passwd", "00"));
            }
            Path manifest = Files.writeString(tmp.resolve("hostile.json"), JSON.writeValueAsString(m));

            CliRun run = CliRun.of("models", "import", onnx.toString(), "--manifest", manifest.toString(),
                    "--work-dir", workDir.toString());

            assertThat(run.exitCode()).as(e.getKey()).isEqualTo(1);
            assertThat(run.errLines()).as(e.getKey()).singleElement().asString()
                    .startsWith("satstream: error: invalid manifest " + manifest + ": " + e.getValue());
            assertThat(run.out()).isEmpty();
            assertThat(ModelsTestStore.snapshot(root)).isEqualTo(before);
        }
        assertThat(tmp.resolve("escape")).doesNotExist();
        assertThat(workDir.resolve("escape")).doesNotExist();
    }

    @Test
    void storeOptionTakesAFileUriOrAPathAndRefusesOtherSchemes() throws Exception {
        String byWorkDir = CliRun.of("models", "list", "--json", "--work-dir", workDir.toString()).out();

        CliRun byUri = CliRun.of("models", "list", "--json", "--store", root.toUri().toString());
        CliRun byShortUri = CliRun.of("models", "list", "--json", "--store", "file:" + root);
        CliRun byPath = CliRun.of("models", "list", "--json", "--store", root.toString());
        for (CliRun run : List.of(byUri, byShortUri, byPath)) {
            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).isEqualTo(byWorkDir);
        }
        assertThat(versions(JSON.readTree(byWorkDir))).containsExactly(1, 2, 3);

        CliRun promote = CliRun.of("models", "promote", "2", "--store", root.toUri().toString());
        assertThat(promote.exitCode()).isZero();
        assertThat(ModelStore.open(root).servingVersion(MODEL)).contains(2);

        for (String[] args : List.of(
                new String[] {"models", "list", "--store", "s3://bucket/models"},
                new String[] {"models", "list", "--store", "http://example.com/models"},
                new String[] {"models", "list", "--store", "file://otherhost/models"},
                new String[] {"models", "list", "--store", "file:relative/models"},
                new String[] {"models", "list", "--store", root.toString(), "--work-dir", workDir.toString()})) {
            CliRun run = CliRun.of(args);
            assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(run.errLines()).as(String.join(" ", args)).singleElement().asString()
                    .startsWith("satstream: ").endsWith("(see 'satstream models list --help')");
        }
        assertThat(CliRun.of("models", "list", "--store", "s3://bucket/models").err())
                .contains("the model store is a local directory");
    }

    @Test
    void aMissingStoreIsAnErrorAndIsNotCreatedByLooking() {
        Path nowhere = tmp.resolve("no-such-work-dir");
        for (String[] args : List.of(
                new String[] {"models", "list", "--work-dir", nowhere.toString()},
                new String[] {"models", "show", "1", "--work-dir", nowhere.toString()},
                new String[] {"models", "promote", "1", "--work-dir", nowhere.toString()},
                new String[] {"models", "rollback", "--store", nowhere.toString()})) {
            CliRun run = CliRun.of(args);
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.errLines()).singleElement().asString().startsWith("satstream: error: no model store at "
                    + nowhere);
        }
        assertThat(nowhere).doesNotExist();
        CliRun unknownName = CliRun.of("models", "list", "--name", "landcover", "--work-dir", workDir.toString());
        assertThat(unknownName.exitCode()).isEqualTo(1);
        assertThat(unknownName.errLines()).singleElement().asString().contains("model 'landcover' is not in the store");
    }

    private JsonNode listJson() throws Exception {
        CliRun run = CliRun.of("models", "list", "--json", "--work-dir", workDir.toString());
        assertThat(run.exitCode()).isZero();
        return JSON.readTree(run.out());
    }

    private static List<Integer> versions(JsonNode list) {
        return StreamSupport.stream(list.spliterator(), false).map(v -> v.get("version").asInt()).toList();
    }

    private static List<Integer> servingIn(JsonNode list) {
        return StreamSupport.stream(list.spliterator(), false).filter(v -> v.get("serving").asBoolean())
                .map(v -> v.get("version").asInt()).toList();
    }

    /** The table row of {@code unet} version {@code version}. */
    private static String row(List<String> lines, int version) {
        return lines.stream().filter(l -> l.matches("^[* ]\\s+unet\\s+" + version + "\\s.*")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for version " + version + " in " + lines));
    }
}
