package io.satstream.jobs.pretrain;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Hands admitted tiles from a Flink sink to a receiver in the same JVM (the pretraining buffer, living beside the
 * trainer) by name: the job's graph is serialised and knows only the name; whoever runs the job registers the
 * receiver before it starts. Registered receivers must not block (the buffer's {@code offer} never does).
 */
public final class LocalHandoff {

    private static final Map<String, Consumer<AdmittedTile>> RECEIVERS = new ConcurrentHashMap<>();
    private static final Map<String, Map<String, Supplier<Number>>> GAUGES = new ConcurrentHashMap<>();

    private LocalHandoff() {
    }

    /** Registers {@code receiver} under {@code name}; closing the registration removes it. */
    public static Registration register(String name, Consumer<AdmittedTile> receiver) {
        return register(name, receiver, Map.of());
    }

    /**
     * Registers {@code receiver} under {@code name} with gauges the sink reports through Flink's metric system (the
     * receiver's own state: a buffer's fill, a trainer's step); closing the registration removes both.
     */
    public static Registration register(String name, Consumer<AdmittedTile> receiver,
            Map<String, Supplier<Number>> gauges) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(receiver, "receiver");
        if (RECEIVERS.putIfAbsent(name, receiver) != null) {
            throw new IllegalStateException("a receiver named '" + name + "' is already registered in this JVM");
        }
        GAUGES.put(name, Map.copyOf(gauges));
        return () -> {
            RECEIVERS.remove(name, receiver);
            GAUGES.remove(name);
        };
    }

    static Map<String, Supplier<Number>> gauges(String name) {
        return GAUGES.getOrDefault(name, Map.of());
    }

    static Consumer<AdmittedTile> receiver(String name) {
        Consumer<AdmittedTile> r = RECEIVERS.get(name);
        if (r == null) {
            throw new IllegalStateException("no receiver named '" + name + "' is registered in this JVM: the"
                    + " pretraining job's sink runs where its buffer lives (see LocalHandoff)");
        }
        return r;
    }

    /** A registration; closing it unregisters the receiver. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
