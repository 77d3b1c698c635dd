package io.satstream.app.models;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import io.satstream.app.internal.ErrorMessages;
import io.satstream.modelstore.ModelIntegrityException;
import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelStore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code satstream models show V}: one version's manifest, with its files checked against their sha256. */
@Command(name = "show",
        mixinStandardHelpOptions = true,
        description = {
            "Shows one version's manifest and checks its files.",
            "Input spec, classes, metrics, network, files with their sha256, and the serving history. Every file",
            "is checked against its sha256; exits 1 when one is missing or altered.%n"
        })
final class ModelsShowCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ModelStoreOptions storeOptions;

    @Parameters(index = "0", paramLabel = "V", converter = VersionArg.Converter.class,
            description = "the version: N, or NAME@N (e.g. unet@3)")
    private VersionArg version;

    @Option(names = "--name", paramLabel = "MODEL",
            description = "the model (default: " + ModelSelection.DEFAULT_MODEL + ", the demo's)")
    private String name;

    @Option(names = "--json", description = "print JSON instead of text")
    private boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
        String model = ModelSelection.name(spec.commandLine(), name, version);
        ModelStore store = storeOptions.openExisting();
        ModelSelection.requireKnown(store, model);
        ModelManifest manifest = store.manifest(model, version.version()).orElseThrow(() ->
                new IllegalArgumentException("model '" + model + "' has no version " + version.version() + " in "
                        + store.root() + " (versions: " + ModelSelection.versions(store, model) + ")"));
        VersionReport report = VersionReport.of(store, manifest);
        String problem = null;
        try {
            store.load(model, manifest.version());
        } catch (ModelIntegrityException e) {
            problem = ErrorMessages.oneLine(e.getMessage());
        }
        List<Integer> history = store.servingHistory(model);

        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode o = report.json();
            o.put("verified", problem == null);
            if (problem != null) {
                o.put("problem", problem);
            }
            o.set("servingHistory", VersionReport.JSON.valueToTree(history));
            out.println(VersionReport.JSON.writeValueAsString(o));
        } else {
            report.text().forEach(out::println);
            out.println("integrity: " + (problem == null ? "verified (every file matches its sha256)" : "FAILED"));
            out.println("serving history: " + (history.isEmpty() ? "never promoted"
                    : history.stream().map(String::valueOf).collect(Collectors.joining(" -> ")) + " (last serves)"));
        }
        out.flush();
        if (problem != null) {
            var err = spec.commandLine().getErr();
            err.println("satstream: error: " + problem);
            err.flush();
            return 1;
        }
        return 0;
    }
}
