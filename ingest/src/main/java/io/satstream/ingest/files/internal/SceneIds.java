package io.satstream.ingest.files.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Scene ids from file names: the name without its extension, kept as is when it is made of
 * {@code [A-Za-z0-9._-]} (not starting with '.' or '-', at most 100 characters); otherwise the other
 * characters become '_' and 8 hex digits of the name's sha256 are appended, so two names that differ only
 * in replaced characters ("a b" and "a:b") never share an id. Ids never contain '/', which separates the
 * scene id from the row/column in tile ids.
 */
public final class SceneIds {
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");
    private static final int MAX = 100;

    private SceneIds() {}

    public static String forFileName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        String base = dot > 0 ? fileName.substring(0, dot) : fileName;
        String safe = UNSAFE.matcher(base).replaceAll("_");
        if (safe.startsWith(".") || safe.startsWith("-")) {
            safe = "_" + safe.substring(1);
        }
        if (!safe.isEmpty() && safe.equals(base) && safe.length() <= MAX) {
            return safe;
        }
        String hash = sha256(base).substring(0, 8);
        return (safe.isEmpty() ? "_" : safe.substring(0, Math.min(safe.length(), MAX - 9))) + "~" + hash;
    }

    public static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
