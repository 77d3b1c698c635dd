package io.satstream.modelstore;

import java.util.regex.Pattern;

/** Model names double as directory names and appear in {@code name@version} references. */
public final class ModelNames {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private ModelNames() {
    }

    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    /** Returns {@code name} or throws a clear exception when it cannot be a model name. */
    public static String check(String name) {
        if (!isValid(name)) {
            throw new IllegalArgumentException("invalid model name '" + name
                    + "': use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return name;
    }
}
