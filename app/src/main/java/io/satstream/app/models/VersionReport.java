package io.satstream.app.models;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.satstream.modelstore.InputSpecJson;
import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelStore;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One stored version as the {@code models} commands present it: the JSON object of {@code list --json} and
 * {@code show --json} (the fields CONTRACT.md names, then the rest of the manifest), and the text of {@code show}.
 */
record VersionReport(ModelManifest manifest, Path dir, boolean serving) {

    static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    static VersionReport of(ModelStore store, ModelManifest manifest) {
        Integer serving = store.servingVersion(manifest.name()).orElse(null);
        return new VersionReport(manifest, store.versionDir(manifest.name(), manifest.version()),
                serving != null && serving == manifest.version());
    }

    /** The sha256 of the version's ONNX file as its manifest records it; null if the manifest lists none. */
    String modelSha256() {
        return manifest.files().get(ModelManifest.MODEL_FILE);
    }

    /** Absolute paths of the version's files: those the manifest checksums, and the manifest itself. */
    List<Path> files() {
        List<Path> files = new ArrayList<>();
        for (String f : manifest.files().keySet()) {
            files.add(dir.resolve(f).normalize());
        }
        files.add(dir.resolve(ModelStore.MANIFEST_FILE));
        files.sort(null);
        return files;
    }

    ObjectNode json() {
        ObjectNode o = JSON.createObjectNode();
        o.put("version", manifest.version());
        o.put("serving", serving);
        o.put("objective", manifest.objective());
        o.set("metrics", JSON.valueToTree(manifest.metrics()));
        ArrayNode files = o.putArray("files");
        files().forEach(f -> files.add(f.toString()));
        o.put("name", manifest.name());
        o.put("ref", manifest.ref());
        o.put("createdAt", manifest.createdAt());
        if (manifest.parent() == null) {
            o.putNull("parent");
        } else {
            o.put("parent", manifest.parent());
        }
        o.put("sha256", modelSha256());
        o.put("dir", dir.toString());
        o.set("inputSpec", JSON.valueToTree(manifest.inputSpec()));
        o.set("classNames", JSON.valueToTree(manifest.classNames()));
        o.set("network", JSON.valueToTree(manifest.network()));
        o.set("checksums", JSON.valueToTree(manifest.files()));
        return o;
    }

    /** The lines of {@code show}: one fact per line, lists indented below their label. */
    List<String> text() {
        List<String> lines = new ArrayList<>();
        lines.add("model:     " + manifest.ref() + (serving ? " (serving)" : ""));
        lines.add("objective: " + manifest.objective());
        lines.add("created:   " + manifest.createdAt());
        lines.add("parent:    " + (manifest.parent() == null ? "-" : manifest.name() + "@" + manifest.parent()));
        InputSpecJson in = manifest.inputSpec();
        lines.add("input:     bands " + String.join(", ", in.bands()) + "; tile " + in.tileSize() + " px; scale "
                + number(in.scale()) + "; mean " + numbers(in.mean()) + "; std " + numbers(in.std()));
        lines.add("classes:   " + manifest.classNames().size());
        for (int i = 0; i < manifest.classNames().size(); i++) {
            lines.add(String.format(Locale.ROOT, "  %3d %s", i, manifest.classNames().get(i)));
        }
        lines.add("metrics:" + (manifest.metrics().isEmpty() ? "   none" : ""));
        manifest.metrics().forEach((k, v) -> lines.add("  " + k + " " + number(v)));
        lines.add("network:" + (manifest.network().isEmpty() ? "   not recorded" : ""));
        manifest.network().forEach((k, v) -> lines.add("  " + k + " " + v));
        lines.add("files:");
        for (Path f : files()) {
            String sha = manifest.files().get(dir.relativize(f).toString());
            lines.add("  " + f + (sha == null ? "" : "  sha256 " + sha));
        }
        return lines;
    }

    /** Integral values without decimals (steps, pixels), others to four places. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.4f", v);
    }

    // Float.toString gives back what the manifest holds (0.485), where widening to double would not.
    private static String numbers(float[] values) {
        List<String> out = new ArrayList<>();
        for (float v : values) {
            out.add(v == Math.rint(v) ? number(v) : Float.toString(v));
        }
        return "[" + String.join(", ", out) + "]";
    }
}
