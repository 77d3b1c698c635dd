package io.satstream.app.models;

import java.nio.file.Files;
import java.nio.file.Path;

import io.satstream.app.WorkDirOption;
import io.satstream.modelstore.ModelStore;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * Where the model store is (a picocli {@code @Mixin}): {@code <work-dir>/models} as the demo keeps it, or a store
 * root given directly with {@code --store}; the two exclude each other.
 */
public final class ModelStoreOptions {

    /** The store's directory inside a work directory, as the demo and the bench use it. */
    static final String STORE_DIR = "models";

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    private Location location;

    static final class Location {
        @Option(names = WorkDirOption.OPTION, paramLabel = "DIR",
                description = "work directory whose " + STORE_DIR + "/ is the store, as for the demo (default: "
                        + WorkDirOption.DEFAULT + ")")
        private Path workDir;

        @Option(names = "--store", paramLabel = "URI", converter = StoreUriConverter.class,
                description = "the store's root directory instead: a path or a file: URI")
        private Path store;
    }

    /**
     * The work directory as an absolute path, not created: {@code --work-dir}, or the default when it was not given
     * (also with {@code --store}), for what a command keeps beside the store.
     */
    public Path workDir() {
        Path workDir = location != null && location.workDir != null ? location.workDir : Path.of(WorkDirOption.DEFAULT);
        return WorkDirOption.of(workDir).path();
    }

    /** The store root as an absolute path; not created. */
    public Path root() {
        if (location != null && location.store != null) {
            return location.store;
        }
        return workDir().resolve(STORE_DIR);
    }

    /**
     * The store for reading or changing what is there. A missing directory is an error rather than an empty store,
     * so a mistyped {@code --work-dir} is not mistaken for "no models" (and nothing is created by looking).
     */
    public ModelStore openExisting() {
        Path root = root();
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("no model store at " + root + " ('satstream demo' creates one in its"
                    + " --work-dir; 'satstream models import' starts one)");
        }
        return ModelStore.open(root);
    }

    /** The store, created if missing: for commands that add to it. */
    public ModelStore openOrCreate() {
        return ModelStore.open(root());
    }
}
