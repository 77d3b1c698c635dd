package io.satstream.training.dataset;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The deterministic train/validation split and label-fraction subsets, from a hash of each pair's id alone.
 *
 * <p>A pair is in the validation split when the first 8 bytes of SHA-256("satstream-split:" + id), read as an
 * unsigned fraction of 2^64, are below {@value #VALIDATION_FRACTION}. A pair's side thus never depends on the other
 * pairs: adding images to a dataset never moves a validation image into training, and any tool can recompute the
 * split. Only when that leaves one side empty (a tiny dataset) does the pair with the smallest hash go to validation,
 * or the one with the largest to training.
 *
 * <p>A label fraction F keeps the ceil(F * n) training pairs (at least one) with the smallest
 * SHA-256("satstream-fraction:" + id): the subset of a smaller fraction is contained in that of a larger one.
 */
final class SplitRule {

    /** The expected share of pairs held out for validation. */
    static final double VALIDATION_FRACTION = 0.2;

    private static final String SPLIT_SALT = "satstream-split:";
    private static final String FRACTION_SALT = "satstream-fraction:";

    private SplitRule() {
    }

    /** The validation pairs of {@code pairs} (at least 2 pairs: each side gets at least one), in their order. */
    static List<LabelledPair> validation(List<LabelledPair> pairs) {
        if (pairs.size() < 2) {
            throw new IllegalArgumentException("a split needs at least 2 pairs, got " + pairs.size());
        }
        List<LabelledPair> validation = new ArrayList<>();
        for (LabelledPair p : pairs) {
            if (unit(SPLIT_SALT, p.id()) < VALIDATION_FRACTION) {
                validation.add(p);
            }
        }
        Comparator<LabelledPair> byHash = Comparator.comparingDouble(p -> unit(SPLIT_SALT, p.id()));
        if (validation.isEmpty()) {
            validation.add(pairs.stream().min(byHash).orElseThrow());
        } else if (validation.size() == pairs.size()) {
            validation.remove(pairs.stream().max(byHash).orElseThrow());
        }
        return List.copyOf(validation);
    }

    /** The label-fraction subset of {@code training}, in the order of {@code training}. */
    static List<LabelledPair> fraction(List<LabelledPair> training, double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("a label fraction must be in (0, 1], got " + fraction);
        }
        if (training.isEmpty()) {
            return List.of();
        }
        // the small epsilon keeps 0.5 * 28 at 14 when the product lands a hair above it
        int keep = Math.max(1, (int) Math.ceil(fraction * training.size() - 1e-9));
        List<LabelledPair> ranked = new ArrayList<>(training);
        ranked.sort(Comparator.comparingDouble(p -> unit(FRACTION_SALT, p.id())));
        List<LabelledPair> kept = ranked.subList(0, keep);
        return training.stream().filter(kept::contains).toList();
    }

    /** SHA-256 of {@code salt + id} (UTF-8), its first 8 bytes as a fraction in [0, 1). */
    static double unit(String salt, String id) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((salt + id).getBytes(StandardCharsets.UTF_8));
            long top = 0;
            for (int i = 0; i < 8; i++) {
                top = top << 8 | (h[i] & 0xFF);
            }
            // unsigned 64-bit value / 2^64, through its top 53 bits (a double's precision)
            return (top >>> 11) / (double) (1L << 53);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
