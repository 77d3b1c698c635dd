package io.satstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A program in its own process, as in a terminal: its output lines as they come. */
final class Terminal implements AutoCloseable {
    final Process process;
    private final List<String> out = new CopyOnWriteArrayList<>();
    private final List<String> err = new CopyOnWriteArrayList<>();
    private final Thread outReader;
    private final Thread errReader;

    private Terminal(String name, Process process) {
        this.process = process;
        this.outReader = pump(name + "-out", process.getInputStream(), out);
        this.errReader = pump(name + "-err", process.getErrorStream(), err);
    }

    static Terminal start(String name, String... command) throws IOException {
        return new Terminal(name, new ProcessBuilder(command).start());
    }

    /** The packaged application ({@code mvn package}) in a child JVM, as {@code ./satstream} runs it. */
    static Terminal satstream(String name, String heap, String... args) throws IOException {
        Path target = Path.of("target").toAbsolutePath();
        Path jar = target.resolve("satstream.jar");
        assertThat(jar).as("the packaged application (mvn package)").exists();
        Path tmpDir = Files.createDirectories(target.resolve("tmp"));
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), heap,
                "-Djava.io.tmpdir=" + tmpDir, "-Dai.djl.offline=true",
                "-cp", jar + File.pathSeparator + target.resolve("lib") + "/*", "io.satstream.app.Satstream"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("SATSTREAM_PROGRESS", "plain");
        return new Terminal(name, pb.start());
    }

    /** The first output line matching {@code pattern}; fails if the program ends or the time runs out first. */
    Matcher await(Pattern pattern, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Matcher> found = out.stream().map(pattern::matcher).filter(Matcher::matches).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            if (!process.isAlive()) {
                drain();
                throw new AssertionError("exited with " + process.exitValue() + " before printing '" + pattern
                        + "':%n".formatted() + transcript());
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + pattern + "' within " + timeout.toSeconds() + " s:%n".formatted()
                + transcript());
    }

    /** SIGTERM, as Ctrl-C would; returns the exit code. */
    int stop() throws InterruptedException {
        // Process.destroy() would also close our end of the pipes and lose the last lines.
        process.toHandle().destroy();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("stops within 120 s").isTrue();
        drain();
        return process.exitValue();
    }

    void drain() throws InterruptedException {
        outReader.join(10_000);
        errReader.join(10_000);
    }

    List<String> lines() {
        return List.copyOf(out);
    }

    List<String> out() {
        return out;
    }

    List<String> err() {
        return err;
    }

    String transcript() {
        return "stdout:%n  %s%nstderr:%n  %s".formatted(String.join("\n  ", out), String.join("\n  ", err));
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.toHandle().destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static Thread pump(String name, InputStream in, List<String> lines) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process is gone; what was read is what the test checks
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
