package io.satstream.app.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * File names for tile ids, which come off the wire and may hold anything ({@code /}, {@code :},
 * {@code ..}, spaces, thousands of characters).
 *
 * <p>An id made of {@code [A-Za-z0-9._-]} that does not start with a dot or dash is used as is. Any
 * other id has the offending characters replaced by {@code _} and gets a short hash of the original id
 * appended, so that two ids that differ only in replaced characters ({@code a/b} and {@code a:b}) never
 * share a file. The result is deterministic, at most {@value #MAX_LENGTH} characters, and never a path.
 */
public final class SafeFileNames {

    /** Leaves room for an extension within the usual 255-byte file name limit. */
    public static final int MAX_LENGTH = 180;

    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");
    private static final int HASH_CHARS = 10;

    private SafeFileNames() {}

    public static String forId(String id) {
        String text = id == null ? "" : id;
        String safe = UNSAFE.matcher(text).replaceAll("_");
        if (safe.startsWith(".") || safe.startsWith("-")) {
            safe = "_" + safe.substring(1);
        }
        if (!safe.isEmpty() && safe.equals(text) && safe.length() <= MAX_LENGTH) {
            return safe;
        }
        if (safe.isEmpty()) {
            safe = "_";
        }
        String suffix = "~" + hash(text);
        int keep = Math.min(safe.length(), MAX_LENGTH - suffix.length());
        return safe.substring(0, keep) + suffix;
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
