package io.satstream.ingest.ledger;

import java.util.Objects;

/**
 * A scene version a feed refuses for good (a bad file, an item without a usable asset...), for the
 * {@link ExactlyOnceSceneWriter} to send to the dead-letter topic and record as rejected. Only final
 * refusals are scenes: a failure the feed retries later (an unreachable asset) is not.
 *
 * @param source as the ledger records it, e.g. {@code files:/in/a.tif}
 * @param reason one line, for the {@code error} header and the ledger
 * @param origin the file path or href the original bytes are (or would be) read from: the DLQ record's
 *     {@code source} header
 * @param original the original bytes (the whole file or asset), or null when they were not read
 * @param notRead why {@code original} is null (e.g. {@code 2147483648 bytes, over the file size limit}); null
 *     when it is not
 */
public record SceneRejection(String sceneId, String source, String fingerprint, String reason, String origin,
        byte[] original, String notRead) implements Scene {
    public SceneRejection {
        Objects.requireNonNull(sceneId, "sceneId");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(origin, "origin");
        reason = reason == null || reason.isBlank() ? "unknown reason" : reason.replaceAll("\\s+", " ").strip();
        if ((original == null) == (notRead == null)) {
            throw new IllegalArgumentException("give either the original bytes or why they were not read");
        }
    }

    /** A refusal with the original bytes at hand. */
    public static SceneRejection withOriginal(String sceneId, String source, String fingerprint, String reason,
            String origin, byte[] original) {
        return new SceneRejection(sceneId, source, fingerprint, reason, origin, Objects.requireNonNull(original,
                "original"), null);
    }

    /** A refusal made without the original bytes; {@code notRead} says why they are missing. */
    public static SceneRejection withoutOriginal(String sceneId, String source, String fingerprint, String reason,
            String origin, String notRead) {
        return new SceneRejection(sceneId, source, fingerprint, reason, origin, null, Objects.requireNonNull(notRead,
                "notRead"));
    }
}
