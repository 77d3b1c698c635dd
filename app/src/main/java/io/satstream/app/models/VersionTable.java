package io.satstream.app.models;

import java.util.ArrayList;
import java.util.List;

/**
 * The text table of {@code models list}: one row per version, the serving one marked with {@code *} in the first
 * column (as {@code git branch} marks the current branch), columns padded to their widest cell.
 */
final class VersionTable {

    private static final List<String> HEADER =
            List.of("", "MODEL", "VERSION", "OBJECTIVE", "CREATED", "MIOU", "PIXEL_ACC", "SHA256", "PARENT");
    /** Enough of the checksum to tell versions apart at a glance; show prints it whole. */
    static final int SHA_PREFIX = 12;

    private VersionTable() {}

    static List<String> render(List<VersionReport> versions) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (VersionReport v : versions) {
            var m = v.manifest();
            String sha = v.modelSha256();
            rows.add(List.of(
                    v.serving() ? "*" : "",
                    m.name(),
                    Integer.toString(m.version()),
                    m.objective(),
                    m.createdAt(),
                    metric(m.metrics().get("miou")),
                    metric(m.metrics().get("pixel_accuracy")),
                    sha == null ? "-" : sha.substring(0, Math.min(SHA_PREFIX, sha.length())),
                    m.parent() == null ? "-" : m.parent().toString()));
        }
        int[] widths = new int[HEADER.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        List<String> lines = new ArrayList<>();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(row.get(i)).append(" ".repeat(widths[i] - row.get(i).length()));
                if (i < row.size() - 1) {
                    line.append("  ");
                }
            }
            lines.add(line.toString().stripTrailing());
        }
        return lines;
    }

    private static String metric(Double value) {
        return value == null ? "-" : VersionReport.number(value);
    }
}
