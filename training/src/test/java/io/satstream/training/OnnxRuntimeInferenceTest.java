package io.satstream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withPrecision;

import io.satstream.inference.InferenceRuntime;
import io.satstream.inference.OnnxModelInfo;
import io.satstream.inference.OnnxRuntimeInference;
import io.satstream.inference.RuntimeOptions;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class OnnxRuntimeInferenceTest {

    @Test
    void describesTheExportedModel() {
        try (OnnxRuntimeInference runtime = new OnnxRuntimeInference(TestModels.smallTrained().onnx(),
                RuntimeOptions.defaults())) {
            OnnxModelInfo info = runtime.info();
            assertThat(info.inputName()).isEqualTo("input");
            assertThat(info.outputName()).isEqualTo("logits");
            assertThat(info.inputChannels()).isEqualTo(3);
            assertThat(info.numClasses()).isEqualTo(3);
            assertThat(info.height()).isEqualTo(-1);
            assertThat(info.sizeMultiple()).isEqualTo(4);
        }
    }

    @Test
    void refusesBytesThatAreNotAnOnnxModel() {
        byte[] garbage = "this is not a model".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> new OnnxRuntimeInference(garbage, RuntimeOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a loadable ONNX model:");
        assertThatThrownBy(() -> OnnxModelInfo.inspect(new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void rejectsBatchesThatDoNotFitTheModel() {
        try (OnnxRuntimeInference runtime = new OnnxRuntimeInference(TestModels.smallTrained().onnx(),
                RuntimeOptions.defaults())) {
            assertThatThrownBy(() -> runtime.infer(new float[4 * 16 * 16], 1, 4, 16, 16))
                    .hasMessage("model expects 3 input channels, got 4");
            assertThatThrownBy(() -> runtime.infer(new float[3 * 18 * 18], 1, 3, 18, 18))
                    .hasMessageContaining("multiples of 4, got 18x18");
            assertThatThrownBy(() -> runtime.infer(new float[10], 1, 3, 16, 16))
                    .hasMessageContaining("expected 768 floats for (1,3,16,16), got 10");
        }
        OnnxRuntimeInference closed = new OnnxRuntimeInference(TestModels.smallTrained().onnx(),
                RuntimeOptions.defaults());
        closed.close();
        assertThatThrownBy(() -> closed.infer(new float[3 * 16 * 16], 1, 3, 16, 16))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void concurrentCallersGetTheSameAnswersAsASequentialOne() throws Exception {
        try (OnnxRuntimeInference runtime = new OnnxRuntimeInference(TestModels.smallTrained().onnx(),
                new RuntimeOptions(1, 1))) {
            List<float[]> inputs = new ArrayList<>();
            List<float[]> expected = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                float[] x = TestModels.randomInput(100 + i, 2, 3, 32, 32);
                inputs.add(x);
                expected.add(runtime.infer(x, 2, 3, 32, 32));
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[]>> results = new ArrayList<>();
                for (int round = 0; round < 3; round++) {
                    for (float[] x : inputs) {
                        results.add(pool.submit(() -> runtime.infer(x, 2, 3, 32, 32)));
                    }
                }
                for (int i = 0; i < results.size(); i++) {
                    assertThat(results.get(i).get()).containsExactly(expected.get(i % inputs.size()));
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /**
     * The runtime reuses its input/output buffers between calls; a smaller batch or tile after a larger one (and
     * a larger one after that) must see only its own data: image i of a batch gets the logits it gets alone.
     */
    @Test
    void aBatchAllocatesOnlyTheLogitsArrayItReturnsOnTheHeap() {
        // The input and output tensors wrap this thread's reused direct buffers: the only heap allocation left per
        // batch is the logits array handed to the caller (before the reuse: that array plus a 12 MB FloatBuffer copy
        // on the heap, and a fresh direct input copy and native output off it).
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        int n = 8;
        int size = 256;
        float[] x = TestModels.randomInput(5, n, 3, size, size);
        long logitsBytes = (long) n * SyntheticBlobs.NUM_CLASSES * size * size * Float.BYTES;
        try (InferenceRuntime runtime = new OnnxRuntimeInference(TestModels.smallTrained().onnx(),
                new RuntimeOptions(1, 1))) {
            runtime.infer(x, n, 3, size, size); // grows the buffers
            long tid = Thread.currentThread().getId();
            int calls = 3;
            long before = threads.getThreadAllocatedBytes(tid);
            for (int i = 0; i < calls; i++) {
                assertThat(runtime.infer(x, n, 3, size, size)).hasSize((int) (logitsBytes / Float.BYTES));
            }
            long perCall = (threads.getThreadAllocatedBytes(tid) - before) / calls;
            System.out.printf("heap allocated per batch of %d at %dx%d: %d bytes (logits %d)%n", n, size, size,
                    perCall, logitsBytes);
            assertThat(perCall).isBetween(logitsBytes, logitsBytes + 256 * 1024);
        }
    }

    @Test
    void reusedBuffersNeverLeakOneBatchIntoTheNext() {
        try (OnnxRuntimeInference runtime = new OnnxRuntimeInference(TestModels.smallTrained().onnx(),
                new RuntimeOptions(1, 1))) {
            int plane = 3 * 32 * 32;
            int out = 3 * 32 * 32; // 3 classes
            float[] four = TestModels.randomInput(7, 4, 3, 32, 32);
            float[] alone0 = runtime.infer(java.util.Arrays.copyOfRange(four, 0, plane), 1, 3, 32, 32);
            float[] alone3 = runtime.infer(java.util.Arrays.copyOfRange(four, 3 * plane, 4 * plane), 1, 3, 32, 32);
            float[] big = TestModels.randomInput(8, 2, 3, 64, 64);
            float[] bigFirst = runtime.infer(big, 2, 3, 64, 64);
            float[] batch = runtime.infer(four, 4, 3, 32, 32);
            assertThat(batch).hasSize(4 * out);
            // batched kernels may round differently from a batch of one, never by more than this
            assertThat(java.util.Arrays.copyOfRange(batch, 0, out)).containsExactly(alone0, withPrecision(1e-4f));
            assertThat(java.util.Arrays.copyOfRange(batch, 3 * out, 4 * out)).containsExactly(alone3,
                    withPrecision(1e-4f));
            float[] one = runtime.infer(java.util.Arrays.copyOfRange(four, 0, plane), 1, 3, 32, 32);
            assertThat(one).containsExactly(alone0);
            assertThat(runtime.infer(big, 2, 3, 64, 64)).containsExactly(bigFirst);
        }
    }
}
