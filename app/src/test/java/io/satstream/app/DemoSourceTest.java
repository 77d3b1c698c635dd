package io.satstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code demo --source}: what each form means, and wrong ones refused with one line and exit 2. */
class DemoSourceTest {
    @TempDir
    static Path tmp;

    @Test
    void eachFormNamesItsFeed() throws Exception {
        Path catalog = Files.writeString(tmp.resolve("catalog.json"), "{}");
        assertThat(DemoSource.parse("synthetic")).isEqualTo(new DemoSource.Synthetic());
        assertThat(DemoSource.parse("dir:" + tmp)).isEqualTo(new DemoSource.Directory(tmp.toAbsolutePath().normalize()));
        assertThat(DemoSource.parse("stac:" + catalog)).isEqualTo(new DemoSource.Stac(catalog.toUri(), false));
        assertThat(DemoSource.parse("stac:" + catalog.toUri())).isEqualTo(new DemoSource.Stac(catalog.toUri(), false));
        // over http(s): a .json document is a static catalogue, anything else a STAC API
        assertThat(DemoSource.parse("stac:https://example.org/stac/catalog.json"))
                .isEqualTo(new DemoSource.Stac(URI.create("https://example.org/stac/catalog.json"), false));
        assertThat(DemoSource.parse("stac:https://earth-search.example.org/v1"))
                .isEqualTo(new DemoSource.Stac(URI.create("https://earth-search.example.org/v1"), true));
        assertThat(DemoSource.parse("stac:http://127.0.0.1:8080/search"))
                .isEqualTo(new DemoSource.Stac(URI.create("http://127.0.0.1:8080/search"), true));
    }

    @Test
    void aFileUrlThatIsNotThereIsRefused() {
        assertThatThrownBy(() -> DemoSource.parse("stac:" + tmp.resolve("gone.json").toUri()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no such file");
    }

    static Stream<Arguments> wrongSources() {
        return Stream.of(
                Arguments.of(new String[] {"--source", "ftp://host/scenes"}, "--source must be synthetic, dir:PATH or stac:URL, got 'ftp://host/scenes'"),
                Arguments.of(new String[] {"--source", ""}, "--source must be synthetic, dir:PATH or stac:URL, got ''"),
                Arguments.of(new String[] {"--source", "dir:"}, "--source dir: needs a directory"),
                Arguments.of(new String[] {"--source", "dir:" + tmp.resolve("missing")}, "is not a directory"),
                Arguments.of(new String[] {"--source", "stac:"}, "--source stac: needs a URL or path"),
                Arguments.of(new String[] {"--source", "stac:ftp://host/catalog.json"}, "must be an http(s): or file: URL"),
                Arguments.of(new String[] {"--source", "stac:" + tmp.resolve("nope.json")}, "no such file"),
                Arguments.of(new String[] {"--source", "dir:" + tmp, "--tile-size", "64", "--overlap", "40"}, "overlap"));
    }

    @ParameterizedTest
    @MethodSource("wrongSources")
    void aWrongSourceIsOneLineAndExitTwo(String[] source, String message) {
        Path work = tmp.resolve("never-created");
        String[] args = Stream.concat(Stream.of("demo", "--work-dir", work.toString()), Stream.of(source))
                .toArray(String[]::new);
        CliRun run = CliRun.of(args);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString().startsWith("satstream: ").contains(message)
                .endsWith("(see 'satstream demo --help')");
        assertThat(run.out()).isEmpty();
        assertThat(work).as("nothing started").doesNotExist();
    }

    @Test
    void helpSaysRateIsForSyntheticTilesAndNamesTheSources() {
        String help = CliRun.of("demo", "--help").out();
        assertThat(help).contains("--source=SOURCE").contains("--rate=N");
        // The descriptions as written: where picocli wraps them depends on the width of the longest option name
        // (it may break "stac:URL" after the colon), which other options change.
        var demo = Satstream.commandLine().getSubcommands().get("demo").getCommandSpec();
        assertThat(String.join(" ", demo.findOption("--source").description())).contains("dir:PATH")
                .contains("stac:URL");
        assertThat(String.join(" ", demo.findOption("--rate").description())).contains("--source synthetic only");
    }
}
