package io.satstream.app.models;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelStore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code satstream models list}: every version in the store, the serving one marked. */
@Command(name = "list",
        mixinStandardHelpOptions = true,
        description = {
            "Lists the versions in the store, the serving one marked with '*'.",
            "Oldest first, with objective, creation time, held-out mIoU and pixel accuracy, sha256 prefix and",
            "parent; without --name, of every model in the store. --json prints an array of",
            "{version, serving, objective, metrics, files, ...}.%n"
        })
final class ModelsListCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ModelStoreOptions storeOptions;

    @Option(names = "--name", paramLabel = "MODEL", description = "only this model (default: every model)")
    private String name;

    @Option(names = "--json", description = "print JSON instead of a table")
    private boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
        String model = name == null ? null : ModelSelection.name(spec.commandLine(), name, null);
        ModelStore store = storeOptions.openExisting();
        List<String> names;
        if (model != null) {
            ModelSelection.requireKnown(store, model);
            names = List.of(model);
        } else {
            names = store.modelNames();
        }
        List<VersionReport> versions = new ArrayList<>();
        for (String n : names) {
            for (ModelManifest m : store.list(n)) {
                versions.add(VersionReport.of(store, m));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ArrayNode array = VersionReport.JSON.createArrayNode();
            versions.forEach(v -> array.add(v.json()));
            out.println(VersionReport.JSON.writeValueAsString(array));
        } else if (versions.isEmpty()) {
            out.println("no models in the store at " + store.root());
        } else {
            VersionTable.render(versions).forEach(out::println);
            out.println("store: " + store.root() + " (* = serving)");
        }
        out.flush();
        return 0;
    }
}
