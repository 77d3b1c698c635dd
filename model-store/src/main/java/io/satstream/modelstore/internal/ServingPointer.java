package io.satstream.modelstore.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code serving.json}: the serving version of a model and the stack of promotions that led to it (the last entry
 * is the one serving; rollback pops it).
 */
public record ServingPointer(String name, Integer version, List<Promotion> history) {

    public record Promotion(int version, String promotedAt) {
    }

    public ServingPointer {
        history = history == null ? List.of() : List.copyOf(history);
    }

    public ServingPointer push(int v, String at) {
        List<Promotion> h = new ArrayList<>(history);
        h.add(new Promotion(v, at));
        return new ServingPointer(name, v, h);
    }

    /** The pointer after undoing the last promotion; only valid with at least two promotions. */
    public ServingPointer pop() {
        List<Promotion> h = new ArrayList<>(history.subList(0, history.size() - 1));
        return new ServingPointer(name, h.get(h.size() - 1).version(), h);
    }
}
