package io.satstream.schemas;

/** A model version as written in headers and logs: {@code name@version}, e.g. {@code unet@3}. */
public record ModelRef(String name, int version) {

    public ModelRef {
        if (name == null || name.isBlank() || name.contains("@")) {
            throw new IllegalArgumentException("model name must be non-empty and contain no '@': " + name);
        }
        if (version < 1) {
            throw new IllegalArgumentException("model version must be >= 1: " + version);
        }
    }

    public static ModelRef parse(String text) {
        int at = text == null ? -1 : text.lastIndexOf('@');
        if (at <= 0 || at == text.length() - 1) {
            throw new IllegalArgumentException("expected NAME@VERSION, got: " + text);
        }
        try {
            return new ModelRef(text.substring(0, at), Integer.parseInt(text.substring(at + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected NAME@VERSION with a numeric version, got: " + text);
        }
    }

    @Override
    public String toString() {
        return name + "@" + version;
    }
}
