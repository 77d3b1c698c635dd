package io.satstream.inference;

/**
 * A loaded segmentation model that turns a normalised NCHW float batch into NCHW logits.
 * Implementations are thread-safe for {@link #infer}.
 */
public interface InferenceRuntime extends AutoCloseable {

    /** The runtime's name as reported in logs and metrics, e.g. {@code onnxruntime}. */
    String name();

    int numClasses();

    /** Returns logits of shape (n, numClasses, height, width), NCHW order, length n*numClasses*height*width. */
    float[] infer(float[] nchw, int n, int channels, int height, int width);

    @Override
    void close();
}
