package io.satstream.training.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The checkpoints of fine-tune runs: {@code ROOT/<run id>/checkpoint.onnx} (the weights after {@code stepsDone}
 * steps) and {@code ROOT/<run id>/run.json} (the run's settings, {@code stepsDone}, {@code steps}, and once done the
 * version it registered). A run's id is a hash of its settings, so the same command finds its own checkpoint. Files
 * are replaced atomically (written beside, then renamed), so an interruption leaves the previous checkpoint whole.
 */
public final class FineTuneCheckpoints {

    public static final String WEIGHTS = "checkpoint.onnx";
    public static final String STATE = "run.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * A run's state as saved.
     *
     * @param registered the version the finished run registered ({@code unet@2}), or null while unfinished
     */
    public record State(String runId, int stepsDone, int steps, String registered, Map<String, String> settings) {
    }

    private final Path root;

    public FineTuneCheckpoints(Path root) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** The id of the run with these settings: 12 hex digits of the SHA-256 of their sorted key=value lines. */
    public static String runId(Map<String, String> settings) {
        StringBuilder canonical = new StringBuilder();
        new TreeMap<>(settings).forEach((k, v) -> canonical.append(k).append('=').append(v).append('\n'));
        return sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 12);
    }

    public Path dir(String runId) {
        return root.resolve(runId);
    }

    /** The saved state of a run, if it has one. */
    public Optional<State> state(String runId) {
        Path file = dir(runId).resolve(STATE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(file.toFile());
            Map<String, String> settings = new TreeMap<>();
            n.path("settings").fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
            return Optional.of(new State(n.path("run").asText(), n.path("stepsDone").asInt(), n.path("steps").asInt(),
                    n.hasNonNull("registered") ? n.get("registered").asText() : null, settings));
        } catch (IOException e) {
            throw new DatasetException("unreadable checkpoint state " + file + ": " + e.getMessage(), e);
        }
    }

    /** The weights of a run's last checkpoint. */
    public byte[] weights(String runId) {
        Path file = dir(runId).resolve(WEIGHTS);
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DatasetException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /** Saves the weights after {@code stepsDone} of {@code steps} steps, then the state that points at them. */
    public void save(String runId, Map<String, String> settings, int stepsDone, int steps, byte[] onnx) {
        Path dir = dir(runId);
        try {
            Files.createDirectories(dir);
            replace(dir.resolve(WEIGHTS), onnx);
            replace(dir.resolve(STATE), stateJson(runId, settings, stepsDone, steps, null));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save checkpoint in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Records that the run finished as {@code registered}; its weights file goes (the store holds the result). */
    public void finish(String runId, Map<String, String> settings, int steps, String registered) {
        Path dir = dir(runId);
        try {
            Files.createDirectories(dir);
            replace(dir.resolve(STATE), stateJson(runId, settings, steps, steps, registered));
            Files.deleteIfExists(dir.resolve(WEIGHTS));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the end of run " + runId + " in " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    /** Ids of the runs under the root that have a state, for messages. */
    public List<String> runs() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve(STATE))).map(d -> d.getFileName().toString())
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    private static byte[] stateJson(String runId, Map<String, String> settings, int stepsDone, int steps,
            String registered) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("run", runId);
        o.put("stepsDone", stepsDone);
        o.put("steps", steps);
        if (registered == null) {
            o.putNull("registered");
        } else {
            o.put("registered", registered);
        }
        o.put("updatedAt", Instant.now().toString());
        o.set("settings", JSON.valueToTree(new TreeMap<>(settings)));
        return JSON.writeValueAsBytes(o);
    }

    private static void replace(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
