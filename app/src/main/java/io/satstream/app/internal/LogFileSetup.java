package io.satstream.app.internal;

import java.net.URL;
import java.nio.file.Path;

import io.satstream.app.WorkDirOption;

/**
 * Points the log file at {@code <work-dir>/logs/satstream.log} before the first logger exists.
 *
 * <p>log4j2.xml reads the system property {@link #PROPERTY} when logging initialises, which is before
 * picocli has parsed anything, so the work directory is looked up in the raw arguments here. The file
 * is created only when something is logged ({@code createOnDemand}), so {@code --help} writes nothing.
 */
public final class LogFileSetup {

    /** System property read by log4j2.xml. */
    public static final String PROPERTY = "satstream.log.file";

    private static final String CONFIGURATION_FILE = "log4j2.configurationFile";

    private LogFileSetup() {}

    /**
     * Sets {@link #PROPERTY} unless the user already set it, and pins log4j to the application's own
     * log4j2.xml (a test jar on the classpath could otherwise switch all logging off); returns the log file.
     */
    public static Path configure(String[] args) {
        if (System.getProperty(CONFIGURATION_FILE) == null) {
            URL config = LogFileSetup.class.getResource("/log4j2.xml");
            if (config != null) {
                System.setProperty(CONFIGURATION_FILE, config.toString());
            }
        }
        String preset = System.getProperty(PROPERTY);
        if (preset != null && !preset.isBlank()) {
            return Path.of(preset);
        }
        Path file = logFile(workDirFrom(args));
        System.setProperty(PROPERTY, file.toString());
        return file;
    }

    /** The log file for a work directory. */
    public static Path logFile(Path workDir) {
        return workDir.toAbsolutePath().normalize().resolve("logs").resolve("satstream.log");
    }

    /** The value of the last {@code --work-dir} in {@code args} (before a {@code --}), else the default. */
    static Path workDirFrom(String[] args) {
        String found = WorkDirOption.DEFAULT;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                break;
            }
            if (arg.equals(WorkDirOption.OPTION) && i + 1 < args.length) {
                found = args[++i];
            } else if (arg.startsWith(WorkDirOption.OPTION + "=")) {
                found = arg.substring(WorkDirOption.OPTION.length() + 1);
            }
        }
        return Path.of(found.isBlank() ? WorkDirOption.DEFAULT : found);
    }
}
