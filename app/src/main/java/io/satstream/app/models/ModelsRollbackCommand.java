package io.satstream.app.models;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.satstream.modelstore.ModelStore;
import io.satstream.modelstore.events.ModelEventPublisher;
import io.satstream.schemas.ModelEventType;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code satstream models rollback}: back to the version that served before the current one. */
@Command(name = "rollback",
        mixinStandardHelpOptions = true,
        description = {
            "Goes back to the version that served before the current one.",
            "Undoes the last promote (again to go further back), after checking that version's files, and prints",
            "what served before and after. With --bootstrap it also publishes a ROLLED_BACK ModelEvent to",
            "model-events. A running demo or job does not act on the event yet (hot swap comes later): restart it",
            "to switch.%n"
        })
final class ModelsRollbackCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ModelStoreOptions storeOptions;

    @Mixin
    private EventOptions events;

    @Option(names = "--name", paramLabel = "MODEL",
            description = "the model (default: " + ModelSelection.DEFAULT_MODEL + ", the demo's)")
    private String name;

    @Override
    public Integer call() {
        events.validate(spec.commandLine());
        String model = ModelSelection.name(spec.commandLine(), name, null);
        ModelStore store = storeOptions.openExisting();
        ModelSelection.requireKnown(store, model);
        Optional<Integer> before = store.servingVersion(model);
        PrintWriter out = spec.commandLine().getOut();
        try (ModelEventPublisher publisher = events.connectIfAsked()) {
            int after = store.rollback(model);
            ServingChange.report(out, store, model, before, after, ModelEventType.ROLLED_BACK, publisher, events);
        }
        return 0;
    }
}
