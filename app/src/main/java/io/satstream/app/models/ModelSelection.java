package io.satstream.app.models;

import java.util.List;

import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelNames;
import io.satstream.modelstore.ModelStore;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Which model a command acts on. Without {@code --name} (or a {@code NAME@V}) it is the demo's and the segmentation
 * job's default model, never a guess from what the store holds, so the same command always means the same model.
 */
public final class ModelSelection {

    /** The model the demo trains and the segmentation job serves unless told otherwise. */
    public static final String DEFAULT_MODEL = "unet";

    private ModelSelection() {}

    /**
     * The model name from {@code --name} and/or the version argument; a usage error when they disagree or the name
     * cannot be a model name.
     */
    public static String name(CommandLine cmd, String nameOption, VersionArg version) {
        if (nameOption != null) {
            try {
                ModelNames.check(nameOption);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(cmd, "--name: " + e.getMessage());
            }
        }
        if (version != null && version.name() != null) {
            if (nameOption != null && !nameOption.equals(version.name())) {
                throw new ParameterException(cmd, "--name " + nameOption + " and " + version.name() + "@"
                        + version.version() + " name different models; give one of them");
            }
            return version.name();
        }
        return nameOption != null ? nameOption : DEFAULT_MODEL;
    }

    /** The version numbers of {@code name}, oldest first, for error messages. */
    public static List<Integer> versions(ModelStore store, String name) {
        return store.list(name).stream().map(ModelManifest::version).toList();
    }

    /** Fails with the models the store does hold when {@code name} has no version there. */
    public static void requireKnown(ModelStore store, String name) {
        if (store.list(name).isEmpty()) {
            List<String> names = store.modelNames();
            throw new IllegalStateException("model '" + name + "' is not in the store at " + store.root()
                    + (names.isEmpty() ? " (the store is empty)"
                            : " (models there: " + String.join(", ", names) + "; choose one with --name)"));
        }
    }
}
