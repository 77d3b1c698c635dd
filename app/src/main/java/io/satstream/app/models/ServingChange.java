package io.satstream.app.models;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;

import io.satstream.app.internal.ErrorMessages;
import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelStore;
import io.satstream.schemas.ModelEvent;
import io.satstream.schemas.ModelEventType;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code promote} and {@code rollback} report once the store has changed what serves: the serving version
 * before and after, the published event if asked for, and when a running job switches: it does not act on the event
 * yet, but each of its tasks loads the store's serving version when it (re)starts (MicroBatchInferenceOperatorTest).
 */
final class ServingChange {
    private static final Logger LOG = LoggerFactory.getLogger(ServingChange.class);

    private ServingChange() {}

    static void report(PrintWriter out, ModelStore store, String name, Optional<Integer> before, int after,
            ModelEventType type, ModelEventPublisher publisher, EventOptions events) {
        String was = before.map(String::valueOf).orElse("none");
        String line = before.isPresent() && before.get() == after
                ? name + ": " + after + " was already serving (unchanged)"
                : name + ": serving " + was + " -> " + after;
        out.println(line);
        out.println("store: " + store.root());
        out.flush();
        LOG.info("{} ({}, store {})", line, type, store.root());
        if (publisher != null) {
            ModelManifest manifest = store.manifest(name, after).orElseThrow(() -> new IllegalStateException(
                    "version " + after + " of '" + name + "' vanished from " + store.root()));
            ModelEvent event = ModelEventPublisher.event(store, manifest, type,
                    type.name().toLowerCase(Locale.ROOT) + " by satstream models; serving before: " + was);
            RecordMetadata written;
            try {
                written = publisher.publish(event);
            } catch (RuntimeException e) {
                // The store is the truth and has changed; say so, and how to announce it again.
                // Promoting the serving version changes nothing in the store, so it only publishes.
                throw new IllegalStateException(name + "@" + after + " serves now in the store, but the event was not"
                        + " published: " + ErrorMessages.describe(e) + "; 'satstream models promote " + name + "@" + after
                        + " --store " + store.root().toUri() + " --bootstrap " + events.bootstrap() + " --topic "
                        + events.topic() + "' publishes it", e);
            }
            out.println("published " + type + " " + name + "@" + after + " to " + written.topic() + " at "
                    + events.bootstrap() + " (partition " + written.partition() + ", offset " + written.offset() + ")");
        }
        out.println("note: a running job does not act on model-events yet: its tasks keep the version they loaded"
                + " until they restart (after a failure, or when the job is started again), then serve " + name + "@"
                + after);
        out.flush();
    }
}
