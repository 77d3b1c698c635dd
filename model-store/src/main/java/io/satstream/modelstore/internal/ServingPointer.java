package io.satstream.modelstore.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code serving.json}: the serving version of a model, the stack of promotions that led to it (the last entry
 * is the one serving; rollback pops it) and when it last changed ({@code changedAt}, an ISO-8601 instant; absent in
 * files written before it existed, where the last promotion's time stands in).
 */
public record ServingPointer(String name, Integer version, List<Promotion> history, String changedAt) {

    public record Promotion(int version, String promotedAt) {
    }

    public ServingPointer {
        history = history == null ? List.of() : List.copyOf(history);
    }

    public ServingPointer push(int v, String at) {
        List<Promotion> h = new ArrayList<>(history);
        h.add(new Promotion(v, at));
        return new ServingPointer(name, v, h, at);
    }

    /** The pointer after undoing the last promotion at {@code at}; only valid with at least two promotions. */
    public ServingPointer pop(String at) {
        List<Promotion> h = new ArrayList<>(history.subList(0, history.size() - 1));
        return new ServingPointer(name, h.get(h.size() - 1).version(), h, at);
    }

    /** When the serving version last changed: {@code changedAt}, else the last promotion's time, else null. */
    public String lastChange() {
        if (changedAt != null) {
            return changedAt;
        }
        return history.isEmpty() ? null : history.get(history.size() - 1).promotedAt();
    }
}
