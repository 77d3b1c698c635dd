package io.satstream.jobs.internal;

import static io.satstream.jobs.internal.MicroBatchInferenceOperatorTest.decoded;
import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.jobs.TestModelStore;
import io.satstream.jobs.TestTiles;
import io.satstream.jobs.records.RejectedRecord;
import io.satstream.jobs.records.SegmentationRecord;
import io.satstream.modelstore.InputSpecJson;
import io.satstream.modelstore.ManifestDraft;
import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelStore;
import io.satstream.modelstore.events.ModelEvents;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.InputLimits;
import io.satstream.schemas.ModelEvent;
import io.satstream.schemas.ModelEventType;
import io.satstream.training.OnnxExporter;
import io.satstream.training.SegmentationNet;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.tasks.mailbox.Mail;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hot swap in one inference subtask, driven by hand: a promotion loads beside the serving version while tiles keep
 * flowing and switches between batches; refused versions leave the serving one and come out as REJECTED events;
 * the serving version and a pending promotion survive a snapshot and restore.
 */
class MicroBatchHotSwapTest {
    private static final OutputTag<RejectedRecord> DLQ =
            new OutputTag<>("dlq", TypeInformation.of(RejectedRecord.class));
    private static final OutputTag<byte[]> EVENTS =
            new OutputTag<>("events", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    /** Events are written after the store's serving version last changed, as a publisher's are. */
    private static final Clock LATER = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(1));

    @TempDir
    static Path dir;
    static ModelStore store;
    static ModelManifest v1;
    static ModelManifest v2;
    static ModelManifest v3;

    @BeforeAll
    static void models() {
        TestModelStore.ThreeVersions versions = TestModelStore.ThreeVersions.in(dir);
        store = versions.store();
        v1 = versions.v1();
        v2 = versions.v2();
        v3 = versions.v3();
    }

    private static ModelManifest sameNetworkAs(ModelManifest base) {
        return TestModelStore.reRegister(store, base);
    }

    private static ManifestDraft draft(InputSpecJson spec, List<String> classes) {
        return new ManifestDraft(v1.version(), "test", spec, classes, v1.metrics(), v1.network());
    }

    private static MicroBatchInferenceOperator operator(long maxModelLagMillis) {
        return new MicroBatchInferenceOperator(dir.toString(), "unet", "onnxruntime", 1, 1, 1, 60_000,
                InputLimits.DEFAULT_MAX_BATCH_BYTES, DLQ, EVENTS, maxModelLagMillis);
    }

    private static byte[] event(ModelManifest m, ModelEventType type) {
        return AvroCodec.modelEvent().encode(ModelEvents.of(store, m, type, null, "test", LATER));
    }

    /** Sends one tile through (batches of one) and returns its output record. */
    private static SegmentationRecord tile(TwoInputStreamOperatorTestHarness<io.satstream.jobs.records.DecodedTile,
            byte[], SegmentationRecord> h, String id) throws Exception {
        int before = h.extractOutputValues().size();
        h.processElement1(decoded(TestTiles.rgb(id, 16, 16, id.hashCode())), 0);
        h.prepareSnapshotPreBarrier(0);
        List<SegmentationRecord> out = h.extractOutputValues();
        assertThat(out).hasSize(before + 1);
        return out.get(before);
    }

    /** Runs the task's mailbox (where loads report back) until {@code done} holds. */
    private static void runMailboxUntil(TwoInputStreamOperatorTestHarness<?, ?, ?> h, BooleanSupplier done)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!done.getAsBoolean()) {
            Optional<Mail> mail = h.getTaskMailbox().tryTake(TaskMailbox.MIN_PRIORITY);
            if (mail.isPresent()) {
                mail.get().run();
            } else if (System.nanoTime() > deadline) {
                throw new AssertionError("the operator did not get there within 60 s");
            } else {
                Thread.sleep(5);
            }
        }
    }

    private static List<ModelEvent> emittedEvents(TwoInputStreamOperatorTestHarness<?, ?, ?> h) {
        var out = h.getSideOutput(EVENTS);
        return out == null ? List.of()
                : out.stream().map(r -> AvroCodec.modelEvent().decode((byte[]) r.getValue())).toList();
    }

    @Test
    void aPromotionLoadsBesideTheServingVersionAndSwitchesBetweenBatches() throws Exception {
        MicroBatchInferenceOperator op = operator(0);
        try (var h = new TwoInputStreamOperatorTestHarness<>(op)) {
            h.open();
            SegmentationRecord a = tile(h, "a");
            h.processElement2(event(v2, ModelEventType.PROMOTED), 0);
            // The load runs on its own thread and reports through the mailbox, which has not run yet: the tile
            // after the event is served at once, by the version serving now.
            SegmentationRecord b = tile(h, "b");
            runMailboxUntil(h, () -> op.generation() == 1);
            SegmentationRecord c = tile(h, "c");
            assertThat(List.of(a, b, c)).extracting(r -> r.modelVersion)
                    .containsExactly("unet@1", "unet@1", "unet@" + v2.version());
            assertThat(List.of(a, b, c)).extracting(r -> r.generation).containsExactly(0L, 0L, 1L);
            assertThat(List.of(a, b, c)).extracting(r -> r.subtask).containsOnly(0);
            assertThat(AvroCodec.segmentation().decode(c.value).getModelVersion()).isEqualTo(v2.version());
            assertThat(emittedEvents(h)).isEmpty();
        }
    }

    @Test
    void subtasksOfOneJvmSwappingToTheSameVersionShareOneRuntimeUntilTheLastLetsGo() throws Exception {
        int before = SharedVersions.held();
        MicroBatchInferenceOperator first = operator(0);
        MicroBatchInferenceOperator second = operator(0);
        var h1 = new TwoInputStreamOperatorTestHarness<>(first);
        var h2 = new TwoInputStreamOperatorTestHarness<>(second);
        try {
            h1.open();
            h2.open();
            byte[] promoted = event(v3, ModelEventType.PROMOTED);
            h1.processElement2(promoted, 0);
            h2.processElement2(promoted, 0);
            runMailboxUntil(h1, () -> first.generation() == 1);
            runMailboxUntil(h2, () -> second.generation() == 1);
            assertThat(SharedVersions.held()).as("one runtime for both subtasks").isEqualTo(before + 1);
            assertThat(tile(h1, "a").modelVersion).isEqualTo("unet@" + v3.version());
            h1.close();
            // the other subtask still serves through it
            assertThat(SharedVersions.held()).isEqualTo(before + 1);
            assertThat(tile(h2, "b").modelVersion).isEqualTo("unet@" + v3.version());
        } finally {
            h1.close();
            h2.close();
        }
        assertThat(SharedVersions.held()).as("closed with the last subtask").isEqualTo(before);
    }

    @Test
    void aRollbackToTheServingVersionBeforeTheSwitchCancelsThePromotion() throws Exception {
        MicroBatchInferenceOperator op = operator(0);
        try (var h = new TwoInputStreamOperatorTestHarness<>(op)) {
            h.open();
            h.processElement2(event(v2, ModelEventType.PROMOTED), 0);
            h.processElement2(event(v1, ModelEventType.ROLLED_BACK), 0);
            assertThat(op.hasPendingVersion()).isFalse();
            // the load already under way ends and is thrown away
            runMailboxUntil(h, () -> !op.isLoading());
            assertThat(tile(h, "a").modelVersion).isEqualTo("unet@1");
            assertThat(op.generation()).isZero();
        }
    }

    @Test
    void withAMaximumModelLagATileWaitsForALoadThatTookLonger() throws Exception {
        MicroBatchInferenceOperator op = operator(1);
        try (var h = new TwoInputStreamOperatorTestHarness<>(op)) {
            h.open();
            h.processElement2(event(v2, ModelEventType.PROMOTED), 0);
            Thread.sleep(5);
            // the mailbox never runs here: the flush itself waits for the load and switches
            assertThat(tile(h, "a").modelVersion).isEqualTo("unet@" + v2.version());
        }
    }

    @Test
    void eventsWrittenBeforeTheStoresServingVersionLastChangedAreSkippedByAFreshTask() throws Exception {
        MicroBatchInferenceOperator op = operator(0);
        try (var h = new TwoInputStreamOperatorTestHarness<>(op)) {
            h.open();
            Clock earlier = Clock.offset(Clock.systemUTC(), Duration.ofDays(-1));
            h.processElement2(AvroCodec.modelEvent().encode(
                    ModelEvents.of(store, v2, ModelEventType.PROMOTED, null, "test", earlier)), 0);
            assertThat(op.hasPendingVersion()).isFalse();
            assertThat(tile(h, "a").modelVersion).isEqualTo("unet@1");
        }
    }

    @Test
    void malformedEventsAndOtherModelsEventsAreSkipped() throws Exception {
        MicroBatchInferenceOperator op = operator(0);
        try (var h = new TwoInputStreamOperatorTestHarness<>(op)) {
            h.open();
            h.processElement2("not an event".getBytes(), 0);
            ModelEvent other = ModelEvent.newBuilder(ModelEvents.of(store, v2, ModelEventType.PROMOTED, null, "test",
                    LATER)).setModelName("roads").build();
            h.processElement2(AvroCodec.modelEvent().encode(other), 0);
            h.processElement2(event(v2, ModelEventType.CANDIDATE), 0);
            assertThat(op.hasPendingVersion()).isFalse();
            assertThat(tile(h, "a").modelVersion).isEqualTo("unet@1");
        }
    }

    static Stream<Arguments> refusedVersions() throws Exception {
        return Stream.of(
                Arguments.of("checksum", (RefusedVersion) () -> {
                    ModelManifest m = sameNetworkAs(v1);
                    Path onnx = store.versionDir("unet", m.version()).resolve(ModelManifest.MODEL_FILE);
                    byte[] bytes = Files.readAllBytes(onnx);
                    bytes[bytes.length / 2] ^= 0x01;
                    onnx.toFile().setWritable(true);
                    Files.write(onnx, bytes);
                    return m;
                }),
                Arguments.of("bands", (RefusedVersion) () -> store.register("unet",
                        OnnxExporter.exportInitialised(new SegmentationNet(new SegmentationNet.Config(4, 6, 8))),
                        draft(new InputSpecJson(List.of("red", "green", "blue", "nir"), 64, 255f,
                                new float[] {0.5f, 0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f, 0.25f}),
                                TestModelStore.CLASSES))),
                Arguments.of("classes", (RefusedVersion) () -> store.register("unet",
                        OnnxExporter.exportInitialised(new SegmentationNet(new SegmentationNet.Config(3, 2, 8))),
                        draft(v1.inputSpec(), List.of("water", "land")))),
                Arguments.of("warmup-nonfinite", (RefusedVersion) () -> store.register("unet",
                        MicroBatchInferenceOperatorTest.withNanWeights(store.load("unet", v1.version()).onnx()),
                        draft(v1.inputSpec(), v1.classNames()))));
    }

    interface RefusedVersion {
        ModelManifest make() throws Exception;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedVersions")
    void aRefusedVersionLeavesTheServingOneAndIsAnnouncedWithItsReason(String reason, RefusedVersion bad)
            throws Exception {
        ModelManifest refused = bad.make();
        MicroBatchInferenceOperator op = operator(0);
        try (var h = new TwoInputStreamOperatorTestHarness<>(op)) {
            h.open();
            h.processElement2(event(refused, ModelEventType.PROMOTED), 0);
            runMailboxUntil(h, () -> !op.hasPendingVersion());
            List<ModelEvent> events = emittedEvents(h);
            assertThat(events).hasSize(1);
            ModelEvent rejected = events.get(0);
            assertThat(rejected.getType()).isEqualTo(ModelEventType.REJECTED);
            assertThat(rejected.getReason()).isEqualTo(reason);
            assertThat(rejected.getVersion()).isEqualTo(refused.version());
            assertThat(rejected.getSubtask()).isZero();
            assertThat(rejected.getFiles()).isEqualTo(refused.files());
            assertThat(rejected.getMessage()).contains("unet@" + refused.version());
            assertThat(rejected.getPublisher()).isEqualTo("satstream-segmentation/0");
            assertThat(tile(h, "after").modelVersion).isEqualTo("unet@1");
            assertThat(op.generation()).isZero();
        }
    }

    @Test
    void anEventWhoseFilesAreGoneIsRefusedAsAFetchFailure() throws Exception {
        MicroBatchInferenceOperator op = operator(0);
        try (var h = new TwoInputStreamOperatorTestHarness<>(op)) {
            h.open();
            ModelEvent elsewhere = ModelEvent.newBuilder(ModelEvents.of(store, v2, ModelEventType.PROMOTED, null,
                    "test", LATER)).setUri(dir.resolve("nowhere/unet/" + v2.version()).toUri().toString()).build();
            h.processElement2(AvroCodec.modelEvent().encode(elsewhere), 0);
            runMailboxUntil(h, () -> !op.hasPendingVersion());
            assertThat(emittedEvents(h)).extracting(ModelEvent::getReason).containsExactly("fetch");
            assertThat(tile(h, "after").modelVersion).isEqualTo("unet@1");
        }
    }

    @Test
    void aSnapshotTakenWhileAVersionLoadsRestoresThePromotionAndTheRestoredTaskSwitchesToIt() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = new TwoInputStreamOperatorTestHarness<>(operator(0))) {
            h.open();
            h.processElement2(event(v2, ModelEventType.PROMOTED), 0);
            h.prepareSnapshotPreBarrier(1);
            snapshot = h.snapshot(1, 1); // the mailbox has not run: v2 is still pending
        }
        MicroBatchInferenceOperator restored = operator(0);
        try (var h = new TwoInputStreamOperatorTestHarness<>(restored)) {
            h.initializeState(snapshot);
            h.open();
            assertThat(restored.servingVersion()).isEqualTo("unet@1");
            assertThat(restored.hasPendingVersion()).isTrue();
            runMailboxUntil(h, () -> restored.generation() == 1);
            SegmentationRecord r = tile(h, "after-restore");
            assertThat(r.modelVersion).isEqualTo("unet@" + v2.version());
            assertThat(r.generation).isEqualTo(1);
        }
    }

    @Test
    void aRestoredTaskServesWhatItsCheckpointSaysNotTheStoresServingVersion(@TempDir Path own) throws Exception {
        OperatorSubtaskState snapshot;
        MicroBatchInferenceOperator running = operator(0);
        try (var h = new TwoInputStreamOperatorTestHarness<>(running)) {
            h.open();
            h.processElement2(event(v2, ModelEventType.PROMOTED), 0);
            runMailboxUntil(h, () -> running.generation() == 1);
            h.prepareSnapshotPreBarrier(1);
            snapshot = h.snapshot(1, 1);
        }
        store.promote("unet", v3.version()); // serving.json changes; no event reaches the job
        try {
            MicroBatchInferenceOperator restored = operator(0);
            try (var h = new TwoInputStreamOperatorTestHarness<>(restored)) {
                h.initializeState(snapshot);
                h.open();
                SegmentationRecord r = tile(h, "after-restore");
                assertThat(r.modelVersion).isEqualTo("unet@" + v2.version());
                assertThat(r.generation).isEqualTo(1);
                // and it follows the events after its checkpoint
                h.processElement2(event(v3, ModelEventType.PROMOTED), 0);
                runMailboxUntil(h, () -> restored.generation() == 2);
                assertThat(tile(h, "after-event").modelVersion).isEqualTo("unet@" + v3.version());
            }
        } finally {
            store.promote("unet", v1.version());
        }
    }

    @Test
    void servingStateRoundTripsThroughFlinksPojoSerializer() throws Exception {
        TypeSerializer<ServingState> serializer =
                TypeInformation.of(ServingState.class).createSerializer(new SerializerConfigImpl());
        assertThat(serializer).isInstanceOf(PojoSerializer.class);
        ServingState state = new ServingState(3, 7, event(v2, ModelEventType.PROMOTED), null, 1_700_000_000_000L);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        serializer.serialize(state, new DataOutputViewStreamWrapper(new DataOutputStream(bytes)));
        ServingState back = serializer.deserialize(
                new DataInputViewStreamWrapper(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
        assertThat(back).usingRecursiveComparison().isEqualTo(state);
    }
}
