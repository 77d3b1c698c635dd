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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code satstream models promote V}: makes a version the serving one, after verifying its checksums. */
@Command(name = "promote",
        mixinStandardHelpOptions = true,
        description = {
            "Makes a version the serving one.",
            "Checks its files against their sha256 first, then prints what served before and after. With",
            "--bootstrap it also publishes a PROMOTED ModelEvent to model-events. A running demo or job does not",
            "act on the event yet (hot swap comes later): restart it to switch.%n"
        })
final class ModelsPromoteCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ModelStoreOptions storeOptions;

    @Mixin
    private EventOptions events;

    @Parameters(index = "0", paramLabel = "V", converter = VersionArg.Converter.class,
            description = "the version: N, or NAME@N (e.g. unet@3)")
    private VersionArg version;

    @Option(names = "--name", paramLabel = "MODEL",
            description = "the model (default: " + ModelSelection.DEFAULT_MODEL + ", the demo's)")
    private String name;

    @Override
    public Integer call() {
        events.validate(spec.commandLine());
        String model = ModelSelection.name(spec.commandLine(), name, version);
        int v = version.version();
        ModelStore store = storeOptions.openExisting();
        ModelSelection.requireKnown(store, model);
        // Checked before Kafka is contacted, so a wrong version is reported at once.
        if (store.manifest(model, v).isEmpty()) {
            throw new IllegalArgumentException("model '" + model + "' has no version " + v + " in " + store.root()
                    + " (versions: " + ModelSelection.versions(store, model) + ")");
        }
        Optional<Integer> before = store.servingVersion(model);
        PrintWriter out = spec.commandLine().getOut();
        try (ModelEventPublisher publisher = events.connectIfAsked()) {
            store.promote(model, v);
            ServingChange.report(out, store, model, before, v, ModelEventType.PROMOTED, publisher, events);
        }
        return 0;
    }
}
