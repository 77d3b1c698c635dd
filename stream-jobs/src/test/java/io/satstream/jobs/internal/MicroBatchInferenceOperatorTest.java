package io.satstream.jobs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.jobs.TestModelStore;
import io.satstream.jobs.TestTiles;
import io.satstream.jobs.records.DecodedTile;
import io.satstream.jobs.records.RejectedRecord;
import io.satstream.jobs.records.SegmentationRecord;
import io.satstream.modelstore.ManifestDraft;
import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelStore;
import io.satstream.raster.ValidPixels;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.InputLimits;
import io.satstream.schemas.Segmentation;
import io.satstream.schemas.Tile;

import java.nio.file.Path;
import java.util.List;

import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batching operator alone: batches, deadlines, DLQ, and tiles buffered across a snapshot/restore. */
class MicroBatchInferenceOperatorTest {
    private static final OutputTag<RejectedRecord> DLQ =
            new OutputTag<>("dlq", TypeInformation.of(RejectedRecord.class));
    private static final OutputTag<byte[]> EVENTS =
            new OutputTag<>("events", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    @TempDir
    static Path store;

    @BeforeAll
    static void model() {
        TestModelStore.createServingModel(store, "unet");
    }

    private static MicroBatchInferenceOperator operator(int maxBatch, long maxWaitMillis) {
        return new MicroBatchInferenceOperator(store.toString(), "unet", "onnxruntime", 1, 1, maxBatch, maxWaitMillis,
                InputLimits.DEFAULT_MAX_BATCH_BYTES, DLQ, EVENTS, 0);
    }

    static DecodedTile decoded(Tile tile) {
        byte[] bytes = AvroCodec.tile().encode(tile);
        return new DecodedTile(tile.getTileId(), tile.getTileId().getBytes(), bytes, bytes, tile, ValidPixels.of(tile), 10);
    }

    private static List<String> ids(TwoInputStreamOperatorTestHarness<DecodedTile, byte[], SegmentationRecord> h) {
        return h.extractOutputValues().stream().map(r -> r.tileId).toList();
    }

    @Test
    void fullBatchIsSegmentedAndEmittedBeforeTheNextBarrier() throws Exception {
        try (var h = new TwoInputStreamOperatorTestHarness<>(operator(3, 60_000))) {
            h.open();
            for (int i = 0; i < 3; i++) {
                h.processElement1(decoded(TestTiles.rgb("t" + i, 32, 32, i)), 0);
            }
            h.prepareSnapshotPreBarrier(1);
            assertThat(ids(h)).containsExactly("t0", "t1", "t2");
            SegmentationRecord r = h.extractOutputValues().get(0);
            assertThat(r.modelVersion).isEqualTo("unet@1");
            Segmentation s = AvroCodec.segmentation().decode(r.value);
            assertThat(s.getMask().remaining()).isEqualTo(32 * 32);
            assertThat(s.getTimings().getBatchSize()).isEqualTo(3);
        }
    }

    @Test
    void deadlineFlushesAPartialBatchAndOtherSizesStartANewOne() throws Exception {
        try (var h = new TwoInputStreamOperatorTestHarness<>(operator(8, 50))) {
            h.setProcessingTime(1_000);
            h.open();
            h.processElement1(decoded(TestTiles.rgb("a", 32, 32, 1)), 0);
            h.processElement1(decoded(TestTiles.rgb("b", 24, 40, 2)), 0); // another size: "a" goes alone
            h.prepareSnapshotPreBarrier(1);
            assertThat(ids(h)).containsExactly("a");
            h.setProcessingTime(1_100); // past b's deadline
            h.prepareSnapshotPreBarrier(2);
            assertThat(ids(h)).containsExactly("a", "b");
            Segmentation b = AvroCodec.segmentation().decode(h.extractOutputValues().get(1).value);
            assertThat(b.getWidth()).isEqualTo(24);
            assertThat(b.getHeight()).isEqualTo(40); // padded for the network, cropped back
            assertThat(b.getMask().remaining()).isEqualTo(24 * 40);
        }
    }

    @Test
    void tilesThatDoNotFitTheModelGoToTheDlqWithTheirOriginalBytes() throws Exception {
        try (var h = new TwoInputStreamOperatorTestHarness<>(operator(4, 60_000))) {
            h.open();
            Tile nir = TestTiles.rgb("nir", 16, 16, 3);
            nir.setBands(List.of("red", "green", "nir"));
            DecodedTile d = decoded(nir);
            h.processElement1(d, 0);
            var rejected = h.getSideOutput(DLQ);
            assertThat(rejected).hasSize(1);
            RejectedRecord r = rejected.peek().getValue();
            assertThat(r.stage).isEqualTo("model-input");
            assertThat(r.error).contains("nir").contains("unet@1");
            assertThat(r.value).isEqualTo(d.originalValue);
            assertThat(h.extractOutputValues()).isEmpty();
        }
    }

    /** A 3-band FLOAT32 tile whose every sample is {@code value}. */
    private static Tile floatTile(String id, int size, float value) {
        java.nio.ByteBuffer pixels = java.nio.ByteBuffer.allocate(size * size * 3 * 4)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        while (pixels.hasRemaining()) {
            pixels.putFloat(value);
        }
        return Tile.newBuilder(TestTiles.rgb(id, size, size, 1))
                .setDataType(io.satstream.schemas.DataType.FLOAT32)
                .setPixels(java.nio.ByteBuffer.wrap(pixels.array()))
                .build();
    }

    @Test
    void aFloatTileFullOfNanComesOutAsNoDataEverywhereWithNoConfidence() throws Exception {
        try (var h = new TwoInputStreamOperatorTestHarness<>(operator(1, 60_000))) {
            h.open();
            h.processElement1(decoded(floatTile("nan", 32, Float.NaN)), 0);
            h.prepareSnapshotPreBarrier(1);
            assertThat(h.getSideOutput(DLQ)).isNull();
            Segmentation s = AvroCodec.segmentation().decode(h.extractOutputValues().get(0).value);
            byte[] mask = new byte[s.getMask().remaining()];
            s.getMask().get(mask);
            assertThat(mask).containsOnly((byte) 255);
            assertThat(s.getNodata()).isEqualTo(255);
            assertThat(s.getClassPixelCounts()).containsOnly(0L);
            assertThat(s.getMeanConfidence()).isZero();
        }
    }

    @Test
    void infinitePixelsAreNoDataAndDoNotSpreadToTheirNeighbours() throws Exception {
        Tile tile = floatTile("inf", 32, 100f);
        java.nio.ByteBuffer px = tile.getPixels().duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        px.putFloat(4 * (5 * 32 + 5), Float.POSITIVE_INFINITY); // pixel (5,5), band red
        try (var h = new TwoInputStreamOperatorTestHarness<>(operator(1, 60_000))) {
            h.open();
            h.processElement1(decoded(tile), 0);
            h.prepareSnapshotPreBarrier(1);
            Segmentation s = AvroCodec.segmentation().decode(h.extractOutputValues().get(0).value);
            byte[] mask = new byte[s.getMask().remaining()];
            s.getMask().get(mask);
            assertThat(mask[5 * 32 + 5]).isEqualTo((byte) 255);
            assertThat(s.getClassPixelCounts().stream().mapToLong(Long::longValue).sum()).isEqualTo(32 * 32 - 1);
            assertThat(Float.isFinite(s.getMeanConfidence())).isTrue();
            assertThat(s.getMeanConfidence()).isGreaterThan(0f);
        }
    }

    @Test
    void aFloatTileOutsideTheModelsInputRangeIsRefusedNotSegmented() throws Exception {
        try (var h = new TwoInputStreamOperatorTestHarness<>(operator(1, 60_000))) {
            h.open();
            h.processElement1(decoded(floatTile("huge", 32, 3e38f)), 0);
            h.prepareSnapshotPreBarrier(1);
            assertThat(h.extractOutputValues()).isEmpty();
            RejectedRecord r = h.getSideOutput(DLQ).peek().getValue();
            assertThat(r.stage).isEqualTo("model-input");
            assertThat(r.error).isEqualTo("FLOAT32 tile does not fit model unet@1: sample 3.0E38 in band red at pixel 0"
                    + " is outside the model's input range [0, 255.0]");
        }
    }

    /** The ONNX model with every float weight set to NaN: a real model that answers NaN for any input. */
    static byte[] withNanWeights(byte[] onnx) throws Exception {
        var model = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(onnx).toBuilder();
        var graph = model.getGraphBuilder();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            var tensor = graph.getInitializerBuilder(i);
            if (tensor.getDataType() != ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT.getNumber()) {
                continue;
            }
            if (!tensor.getRawData().isEmpty()) {
                java.nio.ByteBuffer nan = java.nio.ByteBuffer.allocate(tensor.getRawData().size())
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
                while (nan.hasRemaining()) {
                    nan.putFloat(Float.NaN);
                }
                tensor.setRawData(com.google.protobuf.ByteString.copyFrom(nan.array()));
            } else {
                int n = tensor.getFloatDataCount();
                tensor.clearFloatData();
                for (int k = 0; k < n; k++) {
                    tensor.addFloatData(Float.NaN);
                }
            }
        }
        return model.build().toByteArray();
    }

    @Test
    void aTileTheModelAnswersWithNanGoesToTheDlqNotOutAsClassZero(@TempDir Path own) throws Exception {
        ModelManifest v1 = TestModelStore.createServingModel(own, "unet");
        ModelStore store = ModelStore.open(own);
        int v2 = store.register("unet", withNanWeights(store.load("unet", v1.version()).onnx()),
                new ManifestDraft(v1.version(), "test", v1.inputSpec(), v1.classNames(), v1.metrics(),
                        v1.network())).version();
        store.promote("unet", v2);
        try (var h = new TwoInputStreamOperatorTestHarness<>(new MicroBatchInferenceOperator(own.toString(), "unet",
                "onnxruntime", 1, 1, 2, 60_000, InputLimits.DEFAULT_MAX_BATCH_BYTES, DLQ, EVENTS, 0))) {
            h.open();
            h.processElement1(decoded(TestTiles.rgb("a", 16, 16, 1)), 0);
            h.processElement1(decoded(TestTiles.rgb("b", 16, 16, 2)), 0);
            h.prepareSnapshotPreBarrier(1);
            assertThat(h.extractOutputValues()).isEmpty();
            List<RejectedRecord> rejected = h.getSideOutput(DLQ).stream().map(r -> r.getValue()).toList();
            // the batch fails, then each tile alone: both refused, each with its own id in the reason
            assertThat(rejected).extracting(r -> r.stage).containsExactly("inference", "inference");
            assertThat(rejected.get(0).error).startsWith("inference failed: model produced a non-finite class score")
                    .endsWith("for tile a");
            assertThat(rejected.get(1).error).endsWith("for tile b");
        }
    }

    @Test
    void theBatchByteLimitSplitsBatchesAndRefusesATileThatAloneIsOverIt() throws Exception {
        // 32x32 tiles, 3 bands + 6 classes of floats: 36 KiB each; a limit of 80 KiB holds two of them.
        long limit = 80 * 1024;
        try (var h = new TwoInputStreamOperatorTestHarness<>(new MicroBatchInferenceOperator(store.toString(), "unet",
                "onnxruntime", 1, 1, 8, 60_000, limit, DLQ, EVENTS, 0))) {
            h.setProcessingTime(0);
            h.open();
            for (int i = 0; i < 5; i++) {
                h.processElement1(decoded(TestTiles.rgb("t" + i, 32, 32, i)), 0);
            }
            h.processElement1(decoded(TestTiles.rgb("big", 128, 128, 9)), 0);
            h.setProcessingTime(60_001); // t4's deadline: it waited alone
            h.prepareSnapshotPreBarrier(1);
            List<Integer> batchSizes = h.extractOutputValues().stream()
                    .map(r -> AvroCodec.segmentation().decode(r.value).getTimings().getBatchSize()).toList();
            assertThat(ids(h)).containsExactly("t0", "t1", "t2", "t3", "t4");
            assertThat(batchSizes).containsExactly(2, 2, 2, 2, 1);
            RejectedRecord r = h.getSideOutput(DLQ).peek().getValue();
            assertThat(r.stage).isEqualTo("model-input");
            // 128x128 x (3 + 6) floats = 576 KiB
            assertThat(r.error).isEqualTo("a 128x128 tile needs 576 KiB of inference tensors for model unet@1, more"
                    + " than the per-batch limit of 80 KiB");
        }
    }

    @Test
    void tilesBufferedAtACheckpointAreRestoredAndEmittedExactlyOnce() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = new TwoInputStreamOperatorTestHarness<>(operator(4, 60_000))) {
            h.open();
            h.processElement1(decoded(TestTiles.rgb("x0", 32, 32, 10)), 0);
            h.processElement1(decoded(TestTiles.rgb("x1", 32, 32, 11)), 0);
            h.prepareSnapshotPreBarrier(1);
            snapshot = h.snapshot(1, 1);
            assertThat(h.extractOutputValues()).as("a half-full batch waits").isEmpty();
        }
        try (var h = new TwoInputStreamOperatorTestHarness<>(operator(4, 60_000))) {
            h.initializeState(snapshot);
            h.open();
            h.processElement1(decoded(TestTiles.rgb("x2", 32, 32, 12)), 0);
            h.processElement1(decoded(TestTiles.rgb("x3", 32, 32, 13)), 0);
            h.prepareSnapshotPreBarrier(2);
            assertThat(ids(h)).containsExactly("x0", "x1", "x2", "x3");
            h.snapshot(2, 2);
        }
    }

    @Test
    void aBufferedTileKeepsItsValidityAcrossRestore() throws Exception {
        // The validity travels in DecodedTile (computed once at decoding), not recomputed from the tile: this
        // tile alone has data everywhere, so any 255 in the output came through operator state.
        int side = 32;
        Tile tile = TestTiles.rgb("v", side, side, 21);
        byte[] valid = new byte[side * side];
        for (int p = 0; p < valid.length; p++) {
            valid[p] = (byte) ((p / side) % 3 == 0 ? 0 : 1); // every third row has no data
        }
        byte[] bytes = AvroCodec.tile().encode(tile);
        OperatorSubtaskState snapshot;
        try (var h = new TwoInputStreamOperatorTestHarness<>(operator(4, 60_000))) {
            h.open();
            h.processElement1(new DecodedTile("v", "v".getBytes(), bytes, bytes, tile, valid, 10), 0);
            snapshot = h.snapshot(1, 1);
        }
        try (var h = new TwoInputStreamOperatorTestHarness<>(operator(4, 60_000))) {
            h.initializeState(snapshot);
            h.open();
            h.endInput1();
            assertThat(ids(h)).containsExactly("v");
            Segmentation s = AvroCodec.segmentation().decode(h.extractOutputValues().get(0).value);
            byte[] mask = new byte[s.getMask().remaining()];
            s.getMask().duplicate().get(mask);
            long withData = 0;
            for (int p = 0; p < mask.length; p++) {
                if (valid[p] == 0) {
                    assertThat(mask[p] & 0xFF).as("pixel %d", p).isEqualTo(255);
                } else {
                    assertThat(mask[p] & 0xFF).as("pixel %d", p).isLessThan(TestModelStore.CLASSES.size());
                    withData++;
                }
            }
            assertThat(s.getNodata()).isEqualTo(255);
            assertThat(s.getClassPixelCounts().stream().mapToLong(Long::longValue).sum()).isEqualTo(withData);
        }
    }
}
