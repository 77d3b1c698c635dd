package io.satstream.training.dataset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.satstream.inference.Evaluation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the pixel values of a dataset's masks mean: satstream's class file (JSON). Either every class has a
 * {@code color} (masks are read as RGB, whatever their PNG kind: palette PNGs by colour, never by palette index) or
 * every class has an {@code id} (single-band masks whose value is the id):
 *
 * <pre>
 * {"description": "optional text",
 *  "classes": [{"name": "Building", "color": "#3C1098"}, {"name": "Road", "color": "#6EC1E4"}],
 *  "ignore": ["#9B9B9B"]}
 * {"classes": [{"name": "background", "id": 0}, {"name": "building", "id": 1}], "ignore": [255]}
 * </pre>
 *
 * Class {@code i} of the list is label {@code i}. {@code ignore} lists the values of unlabelled pixels; a mask value
 * that is neither a class nor listed there is ignored as well, but counted, so stray values show up instead of
 * silently becoming a class.
 */
public final class ClassFile {

    /** How mask pixels name their class. */
    public enum Kind { COLOR, ID }

    /** {@link #labelOf} of a value that no class and no ignore entry has. */
    public static final int UNKNOWN = -1;
    /** Label 255 means "ignore", so at most labels 0..254 are classes. */
    public static final int MAX_CLASSES = Evaluation.IGNORE;
    /** Largest id of a single-band mask (16-bit PNG or TIFF). */
    public static final int MAX_ID = 0xFFFF;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HEX_COLOR = Pattern.compile("#[0-9A-Fa-f]{6}");
    private static final Set<String> TOP_FIELDS = Set.of("description", "classes", "ignore");
    private static final Set<String> CLASS_FIELDS = Set.of("name", "color", "id");

    private final Kind kind;
    private final List<String> names;
    private final int[] values;
    private final int[] ignore;
    private final Map<Integer, Integer> labels;

    private ClassFile(Kind kind, List<String> names, int[] values, int[] ignore) {
        this.kind = kind;
        this.names = List.copyOf(names);
        this.values = values.clone();
        this.ignore = ignore.clone();
        this.labels = new HashMap<>();
        for (int i = 0; i < values.length; i++) {
            labels.put(values[i], i);
        }
        for (int v : ignore) {
            labels.put(v, Evaluation.IGNORE);
        }
    }

    /** Reads and checks a class file; every problem is one message naming the file. */
    public static ClassFile read(Path file) {
        Objects.requireNonNull(file, "file");
        if (!Files.isRegularFile(file)) {
            throw new DatasetException("class file " + file + " does not exist or is not a file");
        }
        try {
            return parse(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read class file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses class-file JSON; {@code origin} (a file name) goes into error messages. */
    public static ClassFile parse(byte[] json, String origin) {
        Objects.requireNonNull(json, "json");
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw problem(origin, "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (root == null || !root.isObject()) {
            throw problem(origin, "expected a JSON object with \"classes\"");
        }
        unknownFields(origin, "the class file", root, TOP_FIELDS);
        JsonNode classes = root.get("classes");
        if (classes == null || !classes.isArray()) {
            throw problem(origin, "\"classes\" must be an array of {\"name\", \"color\" or \"id\"}");
        }
        if (classes.size() < 2) {
            throw problem(origin, "a model needs at least 2 classes, \"classes\" lists " + classes.size());
        }
        if (classes.size() > MAX_CLASSES) {
            throw problem(origin, "at most " + MAX_CLASSES + " classes (label " + Evaluation.IGNORE
                    + " means ignore), \"classes\" lists " + classes.size());
        }
        Kind kind = null;
        List<String> names = new ArrayList<>();
        int[] values = new int[classes.size()];
        Set<String> seenNames = new HashSet<>();
        Map<Integer, String> seenValues = new HashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            JsonNode c = classes.get(i);
            String where = "class " + i;
            if (!c.isObject()) {
                throw problem(origin, where + " must be an object {\"name\", \"color\" or \"id\"}");
            }
            unknownFields(origin, where, c, CLASS_FIELDS);
            JsonNode name = c.get("name");
            if (name == null || !name.isTextual() || name.asText().isBlank()) {
                throw problem(origin, where + " needs a non-blank \"name\"");
            }
            String n = name.asText().strip();
            where = "class " + i + " (" + n + ")";
            if (!seenNames.add(n)) {
                throw problem(origin, "class name \"" + n + "\" appears twice");
            }
            boolean hasColor = c.has("color");
            boolean hasId = c.has("id");
            if (hasColor == hasId) {
                throw problem(origin, where + " needs exactly one of \"color\" (\"#RRGGBB\") and \"id\"");
            }
            Kind k = hasColor ? Kind.COLOR : Kind.ID;
            if (kind != null && k != kind) {
                throw problem(origin, where + " has " + (hasColor ? "a color" : "an id") + " but class 0 has "
                        + (kind == Kind.COLOR ? "a color" : "an id") + ": use colours for every class or ids for"
                        + " every class");
            }
            kind = k;
            int value = hasColor ? color(origin, where, c.get("color")) : id(origin, where, c.get("id"));
            String other = seenValues.putIfAbsent(value, n);
            if (other != null) {
                throw problem(origin, where + " has the " + describe(kind, value) + " of class " + other);
            }
            names.add(n);
            values[i] = value;
        }
        int[] ignore = ignoreValues(origin, root.get("ignore"), kind, seenValues);
        return new ClassFile(kind, names, values, ignore);
    }

    private static int[] ignoreValues(String origin, JsonNode node, Kind kind, Map<Integer, String> classValues) {
        if (node == null) {
            return new int[0];
        }
        if (!node.isArray()) {
            throw problem(origin, "\"ignore\" must be an array of " + (kind == Kind.COLOR ? "colours \"#RRGGBB\""
                    : "ids"));
        }
        int[] out = new int[node.size()];
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String where = "ignore entry " + i;
            int v = kind == Kind.COLOR ? color(origin, where, node.get(i)) : id(origin, where, node.get(i));
            if (classValues.containsKey(v)) {
                throw problem(origin, where + " " + describe(kind, v) + " is the value of class "
                        + classValues.get(v));
            }
            if (!seen.add(v)) {
                throw problem(origin, where + " " + describe(kind, v) + " is listed twice");
            }
            out[i] = v;
        }
        return out;
    }

    private static int color(String origin, String where, JsonNode node) {
        if (node == null || !node.isTextual() || !HEX_COLOR.matcher(node.asText().strip()).matches()) {
            throw problem(origin, where + ": a colour is a string \"#RRGGBB\", got " + node);
        }
        return Integer.parseInt(node.asText().strip().substring(1), 16);
    }

    private static int id(String origin, String where, JsonNode node) {
        if (node == null || !node.isIntegralNumber() || node.asLong() < 0 || node.asLong() > MAX_ID) {
            throw problem(origin, where + ": an id is an integer in 0.." + MAX_ID + ", got " + node);
        }
        return node.asInt();
    }

    private static void unknownFields(String origin, String where, JsonNode object, Set<String> allowed) {
        for (Iterator<String> it = object.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw problem(origin, where + " has an unknown field \"" + f + "\" (fields: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private static DatasetException problem(String origin, String message) {
        return new DatasetException("class file " + origin + ": " + message);
    }

    public Kind kind() {
        return kind;
    }

    /** Class names, label order. */
    public List<String> names() {
        return names;
    }

    public int size() {
        return names.size();
    }

    /** The label of a mask value (packed 0xRRGGBB for colours): a class index, {@link Evaluation#IGNORE}, or {@link #UNKNOWN}. */
    public int labelOf(int value) {
        Integer label = labels.get(value);
        return label == null ? UNKNOWN : label;
    }

    /** The mask value of class {@code label} (packed 0xRRGGBB for colours). */
    public int valueOf(int label) {
        return values[label];
    }

    /** The values listed under {@code ignore}. */
    public int[] ignoreValues() {
        return ignore.clone();
    }

    /** A mask value as the class file writes it: {@code #RRGGBB} or {@code id N}. */
    public String describe(int value) {
        return describe(kind, value);
    }

    private static String describe(Kind kind, int value) {
        return kind == Kind.COLOR ? String.format(Locale.ROOT, "colour #%06X", value) : "id " + value;
    }

    @Override
    public String toString() {
        return "ClassFile[" + kind + ", " + names + "]";
    }
}
