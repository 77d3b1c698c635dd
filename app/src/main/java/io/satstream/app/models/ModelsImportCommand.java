package io.satstream.app.models;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;

import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelStore;
import io.satstream.modelstore.events.ModelEventPublisher;
import io.satstream.modelstore.events.ModelEvents;
import io.satstream.schemas.ModelEvent;
import io.satstream.schemas.ModelEventType;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code satstream models import FILE.onnx --manifest M.json}: a model made elsewhere, as the next version. */
@Command(name = "import",
        mixinStandardHelpOptions = true,
        description = {
            "Adds an ONNX model made elsewhere as a new version.",
            "It becomes the next version of the model its manifest names and does not serve until promoted.",
            "The manifest JSON needs name, inputSpec {bands, tileSize, scale, mean, std} and classNames (at most",
            "255: mask value 255 means no data); objective (default: imported), parent, metrics and network are",
            "optional. The model must open in ONNX Runtime, take one channel per band and output one per class;",
            "anything else is refused and the store is left as it was. With --bootstrap it also publishes a",
            "CANDIDATE ModelEvent to model-events once the store has the version.%n"
        })
final class ModelsImportCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ModelsImportCommand.class);

    @Spec
    private CommandSpec spec;

    @Mixin
    private ModelStoreOptions storeOptions;

    @Mixin
    private EventOptions events;

    @Parameters(index = "0", paramLabel = "FILE.onnx", description = "the ONNX model")
    private Path onnx;

    @Option(names = "--manifest", required = true, paramLabel = "M.json", description = "what the model is (JSON)")
    private Path manifestFile;

    @Override
    public Integer call() {
        events.validate(spec.commandLine());
        Path root = storeOptions.root();
        // Kafka is checked before the store is touched, so an unreachable one leaves the store as it was.
        try (ModelEventPublisher publisher = events.connectIfAsked()) {
            Path created = firstMissing(root);
            ModelStore store;
            ModelManifest m;
            try {
                store = storeOptions.openOrCreate();
                m = store.importOnnx(onnx.toAbsolutePath(), manifestFile.toAbsolutePath());
            } catch (RuntimeException e) {
                // A refused import leaves no store behind where there was none.
                removeEmptyDirectories(created, root);
                throw e;
            }
            LOG.info("imported {} from {} into {}", m.ref(), onnx.toAbsolutePath(), root);
            PrintWriter out = spec.commandLine().getOut();
            out.println("imported " + m.ref() + " from " + onnx.toAbsolutePath() + " (" + m.classNames().size()
                    + " classes, bands " + String.join(",", m.inputSpec().bands()) + ", sha256 "
                    + m.files().get(ModelManifest.MODEL_FILE) + ")");
            out.println("store: " + root);
            out.println("not serving; to serve it: satstream models promote " + m.ref() + " --store " + root.toUri());
            out.flush();
            if (publisher != null) {
                ModelEvent candidate = ModelEvents.of(store, m, ModelEventType.CANDIDATE,
                        "imported by satstream models from " + onnx.toAbsolutePath(), EventOptions.PUBLISHER,
                        Clock.systemUTC());
                events.publish(out, publisher, candidate, m.ref() + " is in the store now (not serving)", null);
            }
        }
        return 0;
    }

    /** The topmost directory of {@code root}'s path that does not exist yet; null when {@code root} exists. */
    private static Path firstMissing(Path root) {
        Path missing = null;
        for (Path p = root; p != null && !Files.exists(p); p = p.getParent()) {
            missing = p;
        }
        return missing;
    }

    /** Deletes the directories from {@code root} up to {@code top} that are empty; never a file. */
    private static void removeEmptyDirectories(Path top, Path root) {
        if (top == null) {
            return;
        }
        for (Path p = root; p != null && p.startsWith(top) && Files.isDirectory(p); p = p.getParent()) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                return; // not empty (someone else wrote there) or not ours to delete: leave it
            }
        }
    }
}
