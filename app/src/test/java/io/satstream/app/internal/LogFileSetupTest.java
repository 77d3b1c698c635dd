package io.satstream.app.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class LogFileSetupTest {

    @Test
    void findsTheWorkDirInTheRawArguments() {
        assertThat(LogFileSetup.workDirFrom(new String[] {"broker", "--work-dir", "/data/x"})).isEqualTo(Path.of("/data/x"));
        assertThat(LogFileSetup.workDirFrom(new String[] {"demo", "--work-dir=rel/y", "--rate", "3"})).isEqualTo(Path.of("rel/y"));
        assertThat(LogFileSetup.workDirFrom(new String[] {"doctor"})).isEqualTo(Path.of("satstream-data"));
        assertThat(LogFileSetup.workDirFrom(new String[] {"x", "--", "--work-dir", "no"})).isEqualTo(Path.of("satstream-data"));
    }

    @Test
    void logFileIsUnderLogsOfTheAbsoluteWorkDir() {
        Path file = LogFileSetup.logFile(Path.of("rel"));
        assertThat(file).isAbsolute().endsWithRaw(Path.of("rel", "logs", "satstream.log"));
    }
}
