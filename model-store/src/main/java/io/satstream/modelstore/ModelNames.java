package io.satstream.modelstore;

import java.util.regex.Pattern;

/**
 * Model names double as directory names and appear in {@code name@version} references; the names of a version's
 * files are plain names inside its directory. Both come from manifests, which may be hostile, so both are held to
 * one rule: no separator, no leading dot, no {@code ..}, no control character, nothing to walk out of the store.
 */
public final class ModelNames {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final String RULE = "use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit,"
            + " without '..'";

    private ModelNames() {
    }

    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches() && !name.contains("..");
    }

    /** Returns {@code name} or throws a clear exception when it cannot be a model name. */
    public static String check(String name) {
        if (!isValid(name)) {
            throw new IllegalArgumentException(checkMessage(name));
        }
        return name;
    }

    /** Why {@code name} is not a model name, on one line. */
    static String checkMessage(String name) {
        return "invalid model name " + quote(name) + ": " + RULE;
    }

    /**
     * Why {@code fileName} cannot be the name of a file in a version directory, or null when it can: the same rule
     * as model names, so that a manifest can name nothing but a plain file beside it.
     */
    public static String fileNameProblem(String fileName) {
        return isValid(fileName) ? null : "file name " + quote(fileName) + " is not a plain file name in the version"
                + " directory (" + RULE + ")";
    }

    /**
     * {@code s} in single quotes for a one-line message: control characters (NUL, line breaks) as {@code \\uXXXX},
     * and cut after 200 characters, so that a hostile name cannot forge or flood the output.
     */
    public static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("'");
        int n = Math.min(s.length(), 200);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        b.append('\'');
        if (s.length() > n) {
            b.append("... (").append(s.length()).append(" characters)");
        }
        return b.toString();
    }
}
