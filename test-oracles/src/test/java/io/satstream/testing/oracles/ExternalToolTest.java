package io.satstream.testing.oracles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExternalToolTest {
    @Test
    void aMissingToolFailsWithOneLineNamingTheDebianPackageAndDevTest() {
        assertThatThrownBy(() -> ExternalTool.require("satstream-no-such-tool", "gdal-bin"))
                .isInstanceOf(AssertionError.class)
                .hasMessage("satstream-no-such-tool is not installed: install the Debian package gdal-bin"
                        + " (./dev/test installs it)")
                .hasMessageNotContaining("\n");
    }

    @Test
    void anInstalledToolIsReturnedAsItsExecutable() {
        Path sh = ExternalTool.require("sh", "dash");

        assertThat(sh).isAbsolute().isExecutable();
        assertThat(sh.getFileName()).hasToString("sh");
    }

    @Test
    void aToolOutsideUsrBinIsFoundOnPathButOnlyAsAnExecutableFile(@TempDir Path tmp) throws Exception {
        Path notExecutable = Files.createDirectories(tmp.resolve("a")).resolve("satstream-fake-tool");
        Files.writeString(notExecutable, "#!/bin/sh\n");
        Files.createDirectories(tmp.resolve("b/satstream-fake-tool")); // a folder, not a program
        Path tool = executable(Files.createDirectories(tmp.resolve("c")).resolve("satstream-fake-tool"));
        String path = String.join(File.pathSeparator, "", tmp.resolve("a").toString(), tmp.resolve("b").toString(),
                tmp.resolve("c").toString());

        assertThat(ExternalTool.find("satstream-fake-tool", path)).contains(tool);
        assertThat(ExternalTool.find("satstream-fake-tool", tmp.resolve("a").toString())).isEmpty();
        assertThat(ExternalTool.find("satstream-fake-tool", null)).isEmpty();
    }

    @Test
    void theDebianInstalledToolWinsOverOneEarlierOnPath(@TempDir Path tmp) throws Exception {
        executable(tmp.resolve("sh"));

        assertThat(ExternalTool.find("sh", tmp.toString())).contains(Path.of("/usr/bin/sh"));
    }

    @Test
    void aToolIsABareName() {
        assertThatThrownBy(() -> ExternalTool.find("/usr/bin/sh", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExternalTool.find("", null)).isInstanceOf(IllegalArgumentException.class);
    }

    private static Path executable(Path file) throws Exception {
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
