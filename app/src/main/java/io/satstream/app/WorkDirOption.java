package io.satstream.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

import picocli.CommandLine.Option;

/**
 * The {@code --work-dir DIR} option every command that writes files shares (use it as a picocli
 * {@code @Mixin}). Everything a command writes goes below this directory: {@code kafka/} for the
 * broker's log, {@code logs/} for the log file, and whatever else the command owns.
 *
 * <p>A relative path is relative to the directory the user ran {@code satstream} from.
 */
public final class WorkDirOption {

    /** Default work directory, relative to the current directory. */
    public static final String DEFAULT = "satstream-data";

    /** The option's name, also used by {@link io.satstream.app.internal.LogFileSetup} before parsing. */
    public static final String OPTION = "--work-dir";

    @Option(names = OPTION, paramLabel = "DIR", defaultValue = DEFAULT,
            description = "directory for everything this command writes (default: ${DEFAULT-VALUE})")
    private Path dir = Path.of(DEFAULT);

    public WorkDirOption() {}

    /** For code that runs a command's logic without picocli (tests, other commands). */
    public static WorkDirOption of(Path dir) {
        WorkDirOption option = new WorkDirOption();
        option.dir = dir;
        return option;
    }

    /** The work directory as an absolute path; not created. */
    public Path path() {
        return dir.toAbsolutePath().normalize();
    }

    /**
     * The sub-directory {@code parts} of the work directory, created (with its parents) if missing.
     *
     * @throws UncheckedIOException naming the directory when it cannot be created (e.g. a file is in
     *     the way, or no permission)
     */
    public Path ensure(String... parts) {
        Path target = path();
        for (String part : parts) {
            target = target.resolve(part);
        }
        return createDirectories(target);
    }

    /** Creates {@code dir} and its parents, with an error message that says which directory failed. */
    public static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create directory " + dir + " (" + reason(e) + ")", e);
        }
    }

    // NIO messages are often just the path; say what went wrong instead.
    private static String reason(IOException e) {
        if (e instanceof FileAlreadyExistsException f) {
            return "a file is in the way: " + f.getFile();
        }
        if (e instanceof AccessDeniedException a) {
            return "permission denied: " + a.getFile();
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason() + ": " + f.getFile();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
