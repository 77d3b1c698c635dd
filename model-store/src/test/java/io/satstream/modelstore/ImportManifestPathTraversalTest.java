package io.satstream.modelstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code models import} with a manifest whose name, {@code files} or {@code parent} tries to name something outside
 * the store: refused with one line that names the field and the value, and the store is byte for byte as it was.
 * The ONNX file is a real, valid model each time, so only the manifest can be the reason.
 */
class ImportManifestPathTraversalTest {

    private static final List<String> CLASSES = List.of("background", "building", "water");
    private static byte[] onnx;

    @TempDir
    Path tmp;

    private ModelStore store;
    private Path model;

    @BeforeAll
    static void model() {
        onnx = TestOnnx.model(3, 3);
    }

    @BeforeEach
    void storeWithOneVersion() throws Exception {
        store = ModelStore.open(tmp.resolve("store"));
        store.register("unet", onnx, TestOnnx.draft(null, CLASSES));
        store.promote("unet", 1);
        model = Files.write(tmp.resolve("model.onnx"), onnx);
    }

    /** {@code name} is written into the JSON as given: a JSON value, escapes included. */
    @ParameterizedTest(name = "name {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "\"../escape\"           | invalid model name '../escape'",
        "\"unet/../../etc\"      | invalid model name 'unet/../../etc'",
        "\"/etc/cron.d\"         | invalid model name '/etc/cron.d'",
        "\".hidden\"             | invalid model name '.hidden'",
        "\"a..b\"                | invalid model name 'a..b'",
        "\"..\"                  | invalid model name '..'",
        "\"unet\\u0000.onnx\"    | invalid model name 'unet\\u0000.onnx'",
        "\"two\\nlines\"         | invalid model name 'two\\u000alines'",
        "\"back\\\\slash\"       | invalid model name 'back\\slash'",
        "\"\"                    | invalid model name ''",
        "42                      | 'name' must be a string, found NUMBER",
        "[\"unet\"]              | 'name' must be a string, found ARRAY",
    })
    void aModelNameThatIsNotAPlainDirectoryNameIsRefused(String nameJson, String reason) throws Exception {
        assertRefusedAndStoreUnchanged("\"name\":" + nameJson, reason);
    }

    @ParameterizedTest(name = "files {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "../../etc/passwd   | file name '../../etc/passwd' is not a plain file name in the version directory",
        "/etc/passwd        | file name '/etc/passwd' is not a plain file name",
        "sub/model.onnx     | file name 'sub/model.onnx' is not a plain file name",
        "..                 | file name '..' is not a plain file name",
        ".model.onnx        | file name '.model.onnx' is not a plain file name",
    })
    void aFilesEntryOutsideTheVersionDirectoryIsRefused(String fileName, String reason) throws Exception {
        assertRefusedAndStoreUnchanged("\"name\":\"landcover\",\"files\":{\"" + fileName + "\":\"00\"}",
                "'files' lists a file outside the version directory: " + reason);
    }

    @ParameterizedTest(name = "parent {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "\"../1\"      | 'parent' must be a version number, found '\"../1\"'",
        "\"1\"         | 'parent' must be a version number, found '\"1\"'",
        "1.5           | 'parent' must be a version number, found '1.5'",
        "{\"v\":1}     | 'parent' must be a version number, found '{\"v\":1}'",
    })
    void aParentThatIsNotAVersionNumberIsRefused(String parentJson, String reason) throws Exception {
        assertRefusedAndStoreUnchanged("\"name\":\"unet\",\"parent\":" + parentJson, reason);
    }

    private void assertRefusedAndStoreUnchanged(String nameFields, String reason) throws Exception {
        Path manifest = Files.writeString(tmp.resolve("m.json"), "{" + nameFields + """
                ,"classNames":["background","building","water"],
                 "inputSpec":{"bands":["red","green","blue"],"tileSize":256,"scale":255.0,
                              "mean":[0.485,0.456,0.406],"std":[0.229,0.224,0.225]}}
                """);
        Map<String, String> before = StoreSnapshot.of(store.root());

        assertThatThrownBy(() -> store.importOnnx(model, manifest))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid manifest " + manifest + ": ")
                .hasMessageContaining(reason)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\r", "\u0000"));

        assertThat(StoreSnapshot.of(store.root())).isEqualTo(before);
        assertThat(store.modelNames()).containsExactly("unet");
    }
}
