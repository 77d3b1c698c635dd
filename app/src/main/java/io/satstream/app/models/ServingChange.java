package io.satstream.app.models;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;

import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelStore;
import io.satstream.modelstore.events.ModelEventPublisher;
import io.satstream.modelstore.events.ModelEvents;
import io.satstream.schemas.ModelEvent;
import io.satstream.schemas.ModelEventType;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code promote} and {@code rollback} report once the store has changed what serves: the serving version
 * before and after, the published event if asked for, and what a running job does: with the event, it switches
 * (hot swap); without one, it keeps its version until it is started afresh (a restart from its checkpoint keeps it).
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
            ModelEvent event = ModelEvents.of(store, manifest, type,
                    type.name().toLowerCase(Locale.ROOT) + " by satstream models; serving before: " + was,
                    EventOptions.PUBLISHER, Clock.systemUTC());
            // Promoting the version that serves changes nothing in the store, it only publishes: hence the remedy.
            events.publish(out, publisher, event, name + "@" + after + " serves now in the store",
                    "'satstream models promote " + name + "@" + after + " --store " + store.root().toUri()
                            + " --bootstrap " + events.bootstrap() + " --topic " + events.topic() + "' publishes it");
        }
        if (publisher != null) {
            out.println("note: running jobs of " + name + " on " + events.bootstrap() + " switch to " + name + "@" + after
                    + " once each of their subtasks has verified and warmed it up; a subtask that refuses it keeps its"
                    + " version and says why in a REJECTED event on " + events.topic());
        } else {
            out.println("note: no event was published (no --bootstrap): a running job keeps the version it serves;"
                    + " a job started afresh serves " + name + "@" + after);
        }
        out.flush();
    }
}
