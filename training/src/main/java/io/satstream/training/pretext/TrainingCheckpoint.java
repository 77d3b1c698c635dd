package io.satstream.training.pretext;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.satstream.training.SegmentationNet;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A pretraining checkpoint: the objective's network as ONNX (weights of record, read back by {@code WarmStart}),
 * Adam's moments and update counts per parameter (by ONNX name), the step count and the caller's own counters.
 *
 * <p>On disk: {@code DIR/step-<n>/} holding {@code weights.onnx}, {@code optimizer.bin} and {@code checkpoint.json},
 * and {@code DIR/LATEST} naming the newest. A checkpoint is written to a temporary folder and renamed into place,
 * then {@code LATEST} is replaced atomically, so a crash leaves the previous checkpoint readable. The two newest are
 * kept.
 */
public record TrainingCheckpoint(String objective, SegmentationNet.Config network, float learningRate, long steps,
        byte[] weights, Map<String, Moments> moments, Map<String, Object> extra) {

    public static final int FORMAT = 1;
    static final String LATEST = "LATEST";
    private static final int KEEP = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Adam's state of one parameter. */
    public record Moments(int updates, float[] mean, float[] variance) {
        public Moments {
            if (mean.length != variance.length) {
                throw new IllegalArgumentException("mean and variance differ in length: " + mean.length + " vs "
                        + variance.length);
            }
        }
    }

    public TrainingCheckpoint {
        Objects.requireNonNull(objective, "objective");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(weights, "weights");
        moments = Collections.unmodifiableMap(new LinkedHashMap<>(moments));
        extra = extra == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0: " + steps);
        }
    }

    /** Writes {@code cp} as the newest checkpoint under {@code dir}; returns its folder. */
    public static Path write(Path dir, TrainingCheckpoint cp) {
        try {
            Files.createDirectories(dir);
            Path target = dir.resolve("step-" + cp.steps());
            Path tmp = Files.createTempDirectory(dir, ".writing-");
            Files.write(tmp.resolve("weights.onnx"), cp.weights());
            try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(tmp.resolve("optimizer.bin")))) {
                out.writeInt(cp.moments().size());
                for (Map.Entry<String, Moments> e : cp.moments().entrySet()) {
                    out.writeUTF(e.getKey());
                    out.writeInt(e.getValue().updates());
                    writeFloats(out, e.getValue().mean());
                    writeFloats(out, e.getValue().variance());
                }
            }
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("format", FORMAT);
            meta.put("objective", cp.objective());
            meta.put("steps", cp.steps());
            meta.put("learningRate", cp.learningRate());
            meta.put("inChannels", cp.network().inChannels());
            meta.put("numClasses", cp.network().numClasses());
            meta.put("baseChannels", cp.network().baseChannels());
            meta.put("extra", cp.extra());
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve("checkpoint.json").toFile(), meta);
            deleteRecursively(target);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            Path latestTmp = dir.resolve(LATEST + ".tmp");
            Files.writeString(latestTmp, target.getFileName().toString());
            try {
                Files.move(latestTmp, dir.resolve(LATEST), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(latestTmp, dir.resolve(LATEST), StandardCopyOption.REPLACE_EXISTING);
            }
            prune(dir, target);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a training checkpoint under " + dir + ": " + e.getMessage(), e);
        }
    }

    /** True when {@code dir} holds a checkpoint to resume from. */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(LATEST));
    }

    /** The newest checkpoint under {@code dir}; a clear error when there is none or it is damaged. */
    @SuppressWarnings("unchecked")
    public static TrainingCheckpoint readLatest(Path dir) {
        if (!exists(dir)) {
            throw new IllegalArgumentException("no training checkpoint in " + dir + " (no " + LATEST + " file)");
        }
        try {
            Path cp = dir.resolve(Files.readString(dir.resolve(LATEST)).trim());
            Map<String, Object> meta = JSON.readValue(cp.resolve("checkpoint.json").toFile(), Map.class);
            int format = ((Number) meta.get("format")).intValue();
            if (format != FORMAT) {
                throw new IllegalArgumentException("checkpoint " + cp + " has format " + format + "; this version reads "
                        + FORMAT);
            }
            Map<String, Moments> moments = new LinkedHashMap<>();
            try (DataInputStream in = new DataInputStream(Files.newInputStream(cp.resolve("optimizer.bin")))) {
                int n = in.readInt();
                for (int i = 0; i < n; i++) {
                    String name = in.readUTF();
                    int updates = in.readInt();
                    moments.put(name, new Moments(updates, readFloats(in), readFloats(in)));
                }
            }
            SegmentationNet.Config network = new SegmentationNet.Config(((Number) meta.get("inChannels")).intValue(),
                    ((Number) meta.get("numClasses")).intValue(), ((Number) meta.get("baseChannels")).intValue());
            return new TrainingCheckpoint((String) meta.get("objective"), network,
                    ((Number) meta.get("learningRate")).floatValue(), ((Number) meta.get("steps")).longValue(),
                    Files.readAllBytes(cp.resolve("weights.onnx")), moments, (Map<String, Object>) meta.get("extra"));
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException("cannot read the training checkpoint in " + dir + ": " + e, e);
        }
    }

    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        out.writeInt(values.length);
        for (float v : values) {
            out.writeFloat(v);
        }
    }

    private static float[] readFloats(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1 << 28) {
            throw new IOException("implausible array length " + n);
        }
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = in.readFloat();
        }
        return values;
    }

    /** Keeps the {@value #KEEP} newest {@code step-*} folders (by step) and removes leftovers of interrupted writes. */
    private static void prune(Path dir, Path newest) throws IOException {
        List<Path> steps = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            for (Path p : (Iterable<Path>) children::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith("step-") && Files.isDirectory(p)) {
                    steps.add(p);
                } else if (name.startsWith(".writing-")) {
                    deleteRecursively(p);
                }
            }
        }
        steps.sort(Comparator.comparingLong(p -> -Long.parseLong(p.getFileName().toString().substring(5))));
        for (int i = KEEP; i < steps.size(); i++) {
            if (!steps.get(i).equals(newest)) {
                deleteRecursively(steps.get(i));
            }
        }
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(q);
            }
        }
    }
}
