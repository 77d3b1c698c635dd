package io.satstream.training.dataset;

import java.nio.file.Files;
import java.nio.file.Path;

/** The Dubai tiles in {@code ../shared/data} beside the repository, and the class file the repository ships for them. */
final class DubaiData {

    private DubaiData() {
    }

    /** {@code shared/data/dubai-aerial-semseg} (tests run in the module directory; CI clones shared/ there too). */
    static Path dir() {
        for (Path p : new Path[] {Path.of("../../shared/data/dubai-aerial-semseg"),
                Path.of("../shared/data/dubai-aerial-semseg")}) {
            if (Files.isDirectory(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("shared/data/dubai-aerial-semseg not found beside the repository");
    }

    /** {@code datasets/dubai-aerial-semseg.classes.json} at the repository root. */
    static Path classFile() {
        Path p = Path.of("../datasets/dubai-aerial-semseg.classes.json").toAbsolutePath().normalize();
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("missing " + p);
        }
        return p;
    }

    static LabelledDataset open() {
        return LabelledDataset.open(dir(), classFile());
    }
}
