package io.satstream.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import io.satstream.app.internal.DockerProbe;
import io.satstream.app.internal.ErrorMessages;
import io.satstream.app.internal.SatstreamVersion;
import io.satstream.inference.InferenceRuntimes;
import io.satstream.inference.RuntimeChoice;
import io.satstream.training.engine.EngineCheckReport;
import io.satstream.training.engine.TrainingEngine;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code satstream doctor}: what this machine offers the application — Java, cores, memory, disk
 * under the work directory, whether a Docker engine answers —, which inference runtime {@code auto}
 * would pick, and why, and whether training can be trusted here: the training engine's numerical self-check
 * (see {@link TrainingEngine}). Exits 1 when no runtime can serve or the self-check fails. Changes nothing on disk.
 */
@Command(name = "doctor",
        mixinStandardHelpOptions = true,
        description = {
            "Checks the environment: Java, cores, memory, disk, Docker, the inference runtime 'auto' picks, and the"
                    + " training engine's numerical self-check (exit 1 when it fails).%n"
        })
public final class DoctorCommand implements Callable<Integer> {

    private static final double GIB = 1024.0 * 1024 * 1024;

    @Spec
    private CommandSpec spec;

    @Mixin
    private WorkDirOption workDir;

    private final Supplier<EngineCheckReport> trainingEngineCheck;

    public DoctorCommand() {
        this(() -> TrainingEngine.shared().report());
    }

    /** @param trainingEngineCheck the self-check to report; tests hand in one made from a wrong kernel result */
    DoctorCommand(Supplier<EngineCheckReport> trainingEngineCheck) {
        this.trainingEngineCheck = trainingEngineCheck;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("satstream: " + SatstreamVersion.version());
        out.println("java: " + Runtime.version() + " (" + System.getProperty("java.vendor") + ", "
                + System.getProperty("java.home") + ")");
        out.println("os: " + System.getProperty("os.name") + " " + System.getProperty("os.version")
                + " (" + System.getProperty("os.arch") + ")");
        out.println("cores: " + Runtime.getRuntime().availableProcessors());
        out.println("memory: " + memory());
        out.println("work dir: " + workDir.path() + " (" + diskFree(workDir.path()) + ")");
        DockerProbe.Status docker = DockerProbe.probe();
        out.println("docker: " + (docker.reachable() ? "reachable" : "not reachable") + " (" + docker.detail() + ")");
        out.flush();
        int code = 0;
        try {
            RuntimeChoice runtime = InferenceRuntimes.choose(InferenceRuntimes.AUTO);
            out.println("runtime: " + runtime.name() + " (" + runtime.reason() + ")");
        } catch (RuntimeException | LinkageError e) {
            out.println("runtime: none (" + ErrorMessages.describe(e) + ")");
            code = 1;
        }
        out.flush();
        EngineCheckReport engine = trainingEngineCheck.get();
        out.println("training engine: " + engine.summary());
        if (!engine.passed()) {
            code = 1;
        }
        out.flush();
        return code;
    }

    private static String memory() {
        String physical = "";
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            physical = gib(os.getTotalMemorySize()) + " total, " + gib(os.getFreeMemorySize()) + " free; ";
        }
        return physical + "JVM max heap " + gib(Runtime.getRuntime().maxMemory());
    }

    // The work directory may not exist yet; its nearest existing ancestor is on the same file system.
    private static String diskFree(Path dir) {
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return "free space unknown";
        }
        try {
            return gib(Files.getFileStore(existing).getUsableSpace()) + " free"
                    + (Files.exists(dir) ? "" : ", not created yet");
        } catch (IOException e) {
            return "free space unknown: " + ErrorMessages.describe(e);
        }
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / GIB);
    }
}
