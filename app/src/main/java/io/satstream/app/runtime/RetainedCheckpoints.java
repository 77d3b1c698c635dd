package io.satstream.app.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;

/**
 * The job's checkpoints under one directory of the work dir, kept when the job is cancelled, so that the next
 * process on that work dir resumes from the last one: source offsets, buffered tiles and the sinks' open
 * transactions all come back, which is what makes a restart of {@code demo} or {@code job segment} exactly
 * once. Flink's layout is {@code <dir>/<job id>/chk-<n>/_metadata}.
 */
public final class RetainedCheckpoints {
    private static final String METADATA = "_metadata";

    private final Path dir;

    private RetainedCheckpoints(Path dir) {
        this.dir = dir;
    }

    public static RetainedCheckpoints in(Path dir) {
        return new RetainedCheckpoints(dir.toAbsolutePath().normalize());
    }

    public Path dir() {
        return dir;
    }

    /** Job configuration: file-system checkpoints in {@link #dir()}, the latest one kept on cancellation. */
    public Configuration jobConfiguration() {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.toUri().toString());
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        conf.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 1);
        return conf;
    }

    /** The newest complete checkpoint (a {@code chk-<n>} directory holding {@code _metadata}), if any. */
    public Optional<Path> latest() {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> jobs = Files.list(dir)) {
            return jobs.filter(Files::isDirectory)
                    .flatMap(RetainedCheckpoints::checkpointsOf)
                    .max(Comparator.comparing(RetainedCheckpoints::completedAt));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list checkpoints in " + dir, e);
        }
    }

    /**
     * Deletes the checkpoints of earlier runs except the one in {@code keep}'s job directory: a run that dies
     * before its first checkpoint leaves {@code keep} the newest, so nothing is lost.
     */
    public void pruneExcept(Path keep) {
        Path keepJob = keep.toAbsolutePath().normalize().getParent();
        try (Stream<Path> jobs = Files.list(dir)) {
            for (Path job : jobs.filter(Files::isDirectory).toList()) {
                if (!job.equals(keepJob)) {
                    deleteTree(job);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prune checkpoints in " + dir, e);
        }
    }

    private static Stream<Path> checkpointsOf(Path job) {
        try (Stream<Path> entries = Files.list(job)) {
            List<Path> checkpoints = entries
                    .filter(p -> p.getFileName().toString().startsWith("chk-"))
                    .filter(p -> Files.isRegularFile(p.resolve(METADATA)))
                    .toList();
            return checkpoints.stream();
        } catch (IOException e) {
            return Stream.empty(); // a job directory being deleted or written: not a candidate
        }
    }

    private static FileTime completedAt(Path checkpoint) {
        try {
            return Files.getLastModifiedTime(checkpoint.resolve(METADATA));
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
