package io.satstream.training.dataset;

import io.satstream.inference.Evaluation;
import io.satstream.modelstore.LoadedModel;
import io.satstream.modelstore.ModelManifest;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Measures a stored version on a split of a labelled dataset: whole images through ONNX Runtime
 * ({@link WholeImageEvaluator}). The version must answer with exactly the dataset's classes, in the same order, and
 * take its images' bands.
 */
public final class DatasetEvaluation {

    /**
     * @param model the version measured ({@code unet@2})
     * @param pairIds the pairs measured, in order
     * @param ignoredPixels pixels left out: listed as ignore in the class file, or of a value it does not know
     * @param unknownPixels of those, the ones of a value the class file does not know
     */
    public record Report(String model, Path dataset, Path classFile, Split split, List<String> classNames,
            List<String> pairIds, Evaluation evaluation, long ignoredPixels, long unknownPixels) {

        public Report {
            classNames = List.copyOf(classNames);
            pairIds = List.copyOf(pairIds);
        }
    }

    private DatasetEvaluation() {
    }

    public static Report run(LoadedModel model, LabelledDataset dataset, Split split,
            WholeImageEvaluator.Progress progress) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(split, "split");
        ModelManifest m = model.manifest();
        List<String> classes = dataset.classes().names();
        if (!m.classNames().equals(classes)) {
            throw new DatasetException("model " + m.ref() + " has classes " + m.classNames() + " but the dataset's"
                    + " class file " + dataset.classFilePath() + " lists " + classes + "; evaluate a version"
                    + " fine-tuned on these classes");
        }
        List<LabelledPair> pairs = dataset.split(split);
        List<LabelledImage> images = dataset.read(pairs);
        List<String> bands = images.get(0).bands();
        if (!lower(m.inputSpec().bands()).equals(lower(bands))) {
            throw new DatasetException("model " + m.ref() + " takes bands " + m.inputSpec().bands()
                    + " but the dataset's images have " + bands);
        }
        Evaluation eval = WholeImageEvaluator.evaluate(model.onnx(), m.toInputSpec(), classes.size(),
                images.stream().map(LabelledImage::sample).toList(), progress);
        long ignored = 0;
        long unknown = 0;
        for (LabelledImage img : images) {
            ignored += img.ignoredPixels() + img.unknownPixels();
            unknown += img.unknownPixels();
        }
        return new Report(m.ref(), dataset.root(), dataset.classFilePath(), split, classes,
                pairs.stream().map(LabelledPair::id).toList(), eval, ignored, unknown);
    }

    private static List<String> lower(List<String> names) {
        return names.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    }
}
