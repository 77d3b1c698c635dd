package io.satstream.training.dataset;

import io.satstream.raster.RasterDecodeException;
import io.satstream.raster.RasterDecoder;
import io.satstream.raster.RasterImage;
import io.satstream.schemas.DataType;
import io.satstream.training.LabeledSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A labelled dataset on disk, by satstream's convention:
 *
 * <pre>
 * DIR/satstream-classes.json          the {@link ClassFile} (or one given explicitly)
 * DIR/[GROUP/]images/NAME.jpg|.jpeg|.png|.tif|.tiff
 * DIR/[GROUP/]masks/NAME.png|.tif|.tiff
 * </pre>
 *
 * Either DIR itself holds {@code images/} and {@code masks/}, or some of its sub-folders (GROUPs) do, each pair
 * within its own group (the Dubai release: {@code Tile 1/images/image_part_001.jpg} with
 * {@code Tile 1/masks/image_part_001.png}). An image and its mask pair by file name without extension. Hidden files
 * are skipped; anything else that does not fit (an image without a mask, a mask without an image, two images of one
 * name, another kind of file) is refused with a message naming it, as is a mask whose size differs from its image's,
 * an image that is not 8-bit, or a file that does not decode. The split into training and validation pairs is
 * {@link SplitRule}'s.
 */
public final class LabelledDataset {

    /** The class file's name inside the dataset folder, where none is given explicitly. */
    public static final String CLASS_FILE = "satstream-classes.json";
    public static final String IMAGES = "images";
    public static final String MASKS = "masks";
    static final List<String> IMAGE_EXTENSIONS = List.of("jpg", "jpeg", "png", "tif", "tiff");
    static final List<String> MASK_EXTENSIONS = List.of("png", "tif", "tiff");

    private final Path root;
    private final Path classFilePath;
    private final ClassFile classes;
    private final List<LabelledPair> pairs;
    private final List<LabelledPair> validation;
    private final List<LabelledPair> training;
    private final RasterDecoder decoder = new RasterDecoder();

    private LabelledDataset(Path root, Path classFilePath, ClassFile classes, List<LabelledPair> pairs) {
        this.root = root;
        this.classFilePath = classFilePath;
        this.classes = classes;
        this.pairs = List.copyOf(pairs);
        this.validation = SplitRule.validation(this.pairs);
        this.training = this.pairs.stream().filter(p -> !validation.contains(p)).toList();
    }

    /**
     * Finds the pairs under {@code dir} and reads the class file ({@code classFile}, or {@value #CLASS_FILE} in
     * {@code dir} when null). Images are not decoded yet: {@link #read} does that.
     */
    public static LabelledDataset open(Path dir, Path classFile) {
        Objects.requireNonNull(dir, "dir");
        Path root = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new DatasetException("dataset folder " + root + " does not exist or is not a folder");
        }
        Path classPath = classFile != null ? classFile.toAbsolutePath().normalize() : root.resolve(CLASS_FILE);
        if (classFile == null && !Files.isRegularFile(classPath)) {
            throw new DatasetException("no class file in the dataset: " + classPath + " does not exist; write one"
                    + " (classes with a name and a colour or id) or name another class file");
        }
        ClassFile classes = ClassFile.read(classPath);
        List<LabelledPair> pairs = new ArrayList<>();
        for (Path group : groups(root)) {
            pairs.addAll(pairsOf(root, group));
        }
        if (pairs.size() < 2) {
            throw new DatasetException("dataset " + root + " has " + pairs.size() + " image/mask pair(s); it needs"
                    + " at least 2, one to train on and one to validate");
        }
        pairs.sort((a, b) -> a.id().compareTo(b.id()));
        return new LabelledDataset(root, classPath, classes, pairs);
    }

    /** DIR itself when it has images/ or masks/, else its sub-folders that have either, sorted by name. */
    private static List<Path> groups(Path root) {
        if (hasEither(root)) {
            return List.of(root);
        }
        List<Path> groups;
        try (Stream<Path> children = Files.list(root)) {
            groups = children.filter(p -> !hidden(p) && Files.isDirectory(p) && hasEither(p)).sorted().toList();
        } catch (IOException e) {
            throw new DatasetException("cannot list dataset folder " + root + ": " + e.getMessage(), e);
        }
        if (groups.isEmpty()) {
            throw new DatasetException("no " + IMAGES + "/ and " + MASKS + "/ folders in " + root + " or its"
                    + " sub-folders; the layout is DIR/[GROUP/]" + IMAGES + "/NAME.jpg with DIR/[GROUP/]" + MASKS
                    + "/NAME.png");
        }
        return groups;
    }

    private static boolean hasEither(Path dir) {
        return Files.isDirectory(dir.resolve(IMAGES)) || Files.isDirectory(dir.resolve(MASKS));
    }

    private static List<LabelledPair> pairsOf(Path root, Path group) {
        Path imagesDir = group.resolve(IMAGES);
        Path masksDir = group.resolve(MASKS);
        for (Path d : List.of(imagesDir, masksDir)) {
            if (!Files.isDirectory(d)) {
                throw new DatasetException("dataset folder " + group + " has "
                        + (d == imagesDir ? MASKS + "/ but no " + IMAGES : IMAGES + "/ but no " + MASKS) + "/ folder");
            }
        }
        Map<String, Path> images = filesByStem(imagesDir, IMAGE_EXTENSIONS, "an image");
        Map<String, Path> masks = filesByStem(masksDir, MASK_EXTENSIONS, "a mask");
        List<LabelledPair> pairs = new ArrayList<>();
        String prefix = root.equals(group) ? "" : root.relativize(group).toString().replace('\\', '/') + "/";
        for (Map.Entry<String, Path> image : images.entrySet()) {
            Path mask = masks.get(image.getKey());
            if (mask == null) {
                throw new DatasetException("image " + image.getValue() + " has no mask: expected "
                        + masksDir.resolve(image.getKey() + ".png") + " (or ." + String.join(", .",
                                MASK_EXTENSIONS.subList(1, MASK_EXTENSIONS.size())) + ")");
            }
            pairs.add(new LabelledPair(prefix + image.getKey(), image.getValue(), mask));
        }
        for (Map.Entry<String, Path> mask : masks.entrySet()) {
            if (!images.containsKey(mask.getKey())) {
                throw new DatasetException("mask " + mask.getValue() + " has no image named " + mask.getKey()
                        + ".* in " + imagesDir);
            }
        }
        return pairs;
    }

    private static Map<String, Path> filesByStem(Path dir, List<String> extensions, String what) {
        Map<String, Path> byStem = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> !hidden(p)).sorted().toList();
        } catch (IOException e) {
            throw new DatasetException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        for (Path f : files) {
            String name = f.getFileName().toString();
            int dot = name.lastIndexOf('.');
            String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
            if (!Files.isRegularFile(f) || dot <= 0 || !extensions.contains(ext)) {
                throw new DatasetException(f + " is not " + what + " file (." + String.join(", .", extensions)
                        + "); only those belong in " + dir);
            }
            Path other = byStem.put(name.substring(0, dot), f);
            if (other != null) {
                throw new DatasetException("two files named " + name.substring(0, dot) + " in " + dir + ": "
                        + other.getFileName() + " and " + name + "; pairs match by name, so keep one");
            }
        }
        return byStem;
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }

    /** The dataset folder, absolute. */
    public Path root() {
        return root;
    }

    /** The class file that was read, absolute. */
    public Path classFilePath() {
        return classFilePath;
    }

    public ClassFile classes() {
        return classes;
    }

    /** Every pair, sorted by id. */
    public List<LabelledPair> pairs() {
        return pairs;
    }

    /** The pairs of a split, sorted by id. */
    public List<LabelledPair> split(Split split) {
        return switch (split) {
            case TRAINING -> training;
            case VALIDATION -> validation;
            case ALL -> pairs;
        };
    }

    /** The training pairs kept at label fraction {@code fraction} in (0, 1]: at least one; all of them at 1. */
    public List<LabelledPair> training(double fraction) {
        return SplitRule.fraction(training, fraction);
    }

    /** Decodes one pair: the image (8-bit, any band count) and its mask, labelled through the class file. */
    public LabelledImage read(LabelledPair pair) {
        Objects.requireNonNull(pair, "pair");
        RasterImage image = decode(pair.image(), "image");
        if (image.dataType() != DataType.UINT8) {
            throw new DatasetException("image " + pair.image() + " has " + image.dataType() + " samples; satstream"
                    + " trains on 8-bit images");
        }
        RasterImage mask = decode(pair.mask(), "mask");
        if (mask.width() != image.width() || mask.height() != image.height()) {
            throw new DatasetException("mask " + pair.mask() + " is " + mask.width() + "x" + mask.height()
                    + " but its image " + pair.image() + " is " + image.width() + "x" + image.height());
        }
        MaskLabeller.Labels labels;
        try {
            labels = MaskLabeller.label(mask, classes);
        } catch (DatasetException e) {
            throw new DatasetException("mask " + pair.mask() + ": " + e.getMessage(), e);
        }
        LabeledSample sample = new LabeledSample(image.pixels(), labels.labels(), image.width(), image.height());
        return new LabelledImage(pair, sample, image.bands(), labels.ignoredPixels(), labels.unknownPixels(),
                labels.unknownValues());
    }

    /** Decodes pairs in order; every image must have the bands of the first. */
    public List<LabelledImage> read(List<LabelledPair> chosen) {
        List<LabelledImage> out = new ArrayList<>(chosen.size());
        for (LabelledPair p : chosen) {
            LabelledImage img = read(p);
            if (!out.isEmpty() && !img.bands().equals(out.get(0).bands())) {
                throw new DatasetException("image " + p.image() + " has bands " + img.bands() + " but "
                        + out.get(0).pair().image() + " has " + out.get(0).bands() + "; every image of a dataset"
                        + " needs the same bands");
            }
            out.add(img);
        }
        return out;
    }

    private RasterImage decode(Path file, String what) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DatasetException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
        try {
            return decoder.decode(bytes);
        } catch (RasterDecodeException e) {
            throw new DatasetException(what + " " + file + " does not decode: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "LabelledDataset[" + root + ", " + pairs.size() + " pairs, " + classes + "]";
    }
}
