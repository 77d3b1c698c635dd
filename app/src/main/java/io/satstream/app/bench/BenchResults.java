package io.satstream.app.bench;

import io.satstream.app.WorkDirOption;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * How every benchmark ends: its result as JSON (to {@code --out}, else {@code <work-dir>/bench/NAME.json}), then its
 * table and where the JSON went.
 */
final class BenchResults {
    private BenchResults() {}

    static void write(PrintWriter out, WorkDirOption workDir, Path outFile, String name, Object result, String table)
            throws IOException {
        Path file = outFile != null ? outFile : workDir.ensure("bench").resolve(name + ".json");
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), result);
        out.println(table);
        out.println("results: " + file.toAbsolutePath());
        out.flush();
    }
}
