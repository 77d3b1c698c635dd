package io.satstream.app;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Kafka transactional id of an ingest feed: one per feed, ledger and topic, stable across runs, so that a
 * restart fences a crashed run (CONTRACT: satstream-ingest-&lt;feed&gt;-&lt;name&gt;). {@code ingest files|stac|xyz}
 * and {@code demo --source dir:|stac:} derive theirs here (through {@link FeedTarget}), so the two share a
 * ledger's identity.
 */
final class IngestTransactionalIds {
    private IngestTransactionalIds() {}

    static String of(String feed, Path ledgerFile, String topic) {
        String identity = ledgerFile.toAbsolutePath().normalize() + "\u0000" + topic;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return "satstream-ingest-" + feed + "-" + HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
