package io.satstream.jobs;

import io.satstream.jobs.features.FeatureRecord;
import io.satstream.jobs.features.FeatureRecordSerializer;
import io.satstream.jobs.features.VectorizeFunction;
import io.satstream.jobs.internal.MicroBatchInferenceOperator;
import io.satstream.jobs.internal.ModelEventDeserializationSchema;
import io.satstream.jobs.internal.ModelEventRecordSerializer;
import io.satstream.jobs.internal.RejectedRecordSerializer;
import io.satstream.jobs.internal.SegmentationRecordSerializer;
import io.satstream.jobs.internal.TileDecodeFunction;
import io.satstream.jobs.internal.TilesSource;
import io.satstream.jobs.records.DecodedTile;
import io.satstream.jobs.records.RawTileRecord;
import io.satstream.jobs.records.RejectedRecord;
import io.satstream.jobs.records.SegmentationRecord;

import java.util.function.UnaryOperator;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.OutputTag;

/**
 * The segmentation topology:
 *
 * <pre>
 * KafkaSource(tiles) → decode + validate → micro-batch + inference → KafkaSink(segmentations), exactly-once
 *                           │                  ▲  │                 └─→ vectorise → KafkaSink(segmentation-features)
 *                           │                  │  └── REJECTED ───────→ KafkaSink(model-events), exactly-once
 *                           │   KafkaSource(model-events), broadcast to every inference subtask
 *                           └──────────────── rejected ─────────────→ KafkaSink(tiles-dlq), exactly-once
 * </pre>
 *
 * Hot swap: every inference subtask reads its model's PROMOTED and ROLLED_BACK events and switches versions
 * between two batches (see {@link MicroBatchInferenceOperator}); the events source's offsets are in the same
 * checkpoints as the serving version, so a restored job follows exactly the events after its checkpoint.
 *
 * The vectorising branch (optional, {@link SegmentationJobConfig#featuresEnabled()}) runs in its own
 * task so polygonising never slows inference.
 *
 * Source offsets live in Flink checkpoints and both sinks are transactional, so with
 * {@code read_committed} readers every tile appears exactly once in {@code segmentations} or
 * {@code tiles-dlq}, across failures and restarts (a restored checkpoint carries the offsets). Without one
 * the source starts from the group's committed offsets, or from the earliest ones for a new group.
 */
public final class SegmentationJob {
    public static final String JOB_NAME = "satstream-segmentation";
    static final OutputTag<RejectedRecord> DLQ = new OutputTag<>("tiles-dlq", TypeInformation.of(RejectedRecord.class));
    static final OutputTag<byte[]> MODEL_EVENTS_OUT =
            new OutputTag<>("model-events-out", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    private SegmentationJob() {}

    /** Configures checkpointing and object reuse for the job on {@code env}. */
    public static void configureEnvironment(StreamExecutionEnvironment env, SegmentationJobConfig cfg) {
        env.enableCheckpointing(cfg.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        env.setParallelism(cfg.parallelism());
        // Operators never mutate records they received, so chained operators can share them.
        env.getConfig().enableObjectReuse();
    }

    /** Adds the topology to {@code env}. */
    public static void build(StreamExecutionEnvironment env, SegmentationJobConfig cfg) {
        build(env, cfg, UnaryOperator.identity());
    }

    /**
     * Adds the topology with a tap between the source and decoding, through which tests inject failures.
     */
    public static void build(StreamExecutionEnvironment env, SegmentationJobConfig cfg,
            UnaryOperator<DataStream<RawTileRecord>> sourceTap) {
        KafkaSource<RawTileRecord> source = TilesSource.builder(cfg.bootstrapServers(), cfg.tilesTopic(),
                cfg.groupId()).build();

        DataStream<RawTileRecord> raw = sourceTap.apply(
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "tiles").uid("tiles-source"));

        SingleOutputStreamOperator<DecodedTile> decoded = raw
                .process(new TileDecodeFunction(cfg.inputLimits(), DLQ))
                .returns(TypeInformation.of(DecodedTile.class))
                .name("decode-validate").uid("decode-validate");

        // Events are few and must reach every subtask in one order: one reader, broadcast. A fresh job reads the
        // compacted topic from its start and skips what serving.json already reflects; a restored one resumes at
        // the checkpointed offsets.
        KafkaSource<byte[]> eventsSource = KafkaSource.<byte[]>builder()
                .setBootstrapServers(cfg.bootstrapServers())
                .setTopics(cfg.modelEventsTopic())
                .setGroupId(cfg.groupId() + "-model-events")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new ModelEventDeserializationSchema(cfg.modelName()))
                .setProperty("isolation.level", "read_committed")
                .setProperty("commit.offsets.on.checkpoint", "false")
                .build();
        DataStream<byte[]> events = env.fromSource(eventsSource, WatermarkStrategy.noWatermarks(), "model-events")
                .uid("model-events-source").setParallelism(1);

        SingleOutputStreamOperator<SegmentationRecord> segmented = decoded.connect(events.broadcast())
                .transform("batch-inference", TypeInformation.of(SegmentationRecord.class),
                        new MicroBatchInferenceOperator(cfg.modelStoreDir(), cfg.modelName(), cfg.runtime(),
                                cfg.intraOpThreads(), cfg.interOpThreads(), cfg.batchMaxSize(),
                                cfg.batchMaxWait().toMillis(), cfg.inputLimits().maxBatchBytes(), DLQ,
                                MODEL_EVENTS_OUT, cfg.maxModelLag().toMillis()))
                .uid("batch-inference");

        segmented.getSideOutput(MODEL_EVENTS_OUT)
                .sinkTo(KafkaSink.<byte[]>builder()
                        .setBootstrapServers(cfg.bootstrapServers())
                        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                        .setTransactionalIdPrefix(cfg.transactionalIdPrefix() + "-model-events")
                        .setRecordSerializer(new ModelEventRecordSerializer(cfg.modelEventsTopic(), cfg.modelName()))
                        .setKafkaProducerConfig(producerProperties(cfg))
                        .build())
                .name("model-events-sink").uid("model-events-sink");

        segmented.sinkTo(KafkaSink.<SegmentationRecord>builder()
                        .setBootstrapServers(cfg.bootstrapServers())
                        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                        .setTransactionalIdPrefix(cfg.transactionalIdPrefix())
                        .setRecordSerializer(new SegmentationRecordSerializer(cfg.segmentationsTopic()))
                        .setKafkaProducerConfig(producerProperties(cfg))
                        .build())
                .name("segmentations-sink").uid("segmentations-sink");

        if (cfg.featuresEnabled()) {
            segmented.flatMap(new VectorizeFunction())
                    .returns(TypeInformation.of(FeatureRecord.class))
                    .name("vectorize").uid("vectorize")
                    .startNewChain()
                    .sinkTo(KafkaSink.<FeatureRecord>builder()
                            .setBootstrapServers(cfg.bootstrapServers())
                            .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                            .setTransactionalIdPrefix(cfg.transactionalIdPrefix() + "-features")
                            .setRecordSerializer(new FeatureRecordSerializer(cfg.featuresTopic()))
                            .setKafkaProducerConfig(producerProperties(cfg))
                            .build())
                    .name("features-sink").uid("features-sink");
        }

        decoded.getSideOutput(DLQ).union(segmented.getSideOutput(DLQ))
                .sinkTo(KafkaSink.<RejectedRecord>builder()
                        .setBootstrapServers(cfg.bootstrapServers())
                        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                        .setTransactionalIdPrefix(cfg.transactionalIdPrefix() + "-dlq")
                        .setRecordSerializer(new RejectedRecordSerializer(cfg.dlqTopic()))
                        .setKafkaProducerConfig(producerProperties(cfg))
                        .build())
                .name("dlq-sink").uid("dlq-sink");
    }

    /** Builds the topology on {@code env} and submits it without waiting. */
    public static JobClient start(StreamExecutionEnvironment env, SegmentationJobConfig cfg) throws Exception {
        configureEnvironment(env, cfg);
        build(env, cfg);
        return env.executeAsync(JOB_NAME);
    }

    private static java.util.Properties producerProperties(SegmentationJobConfig cfg) {
        java.util.Properties p = new java.util.Properties();
        // The sink's default (1 h) exceeds a default broker's transaction.max.timeout.ms (15 min).
        p.setProperty("transaction.timeout.ms", String.valueOf(cfg.transactionTimeout().toMillis()));
        p.setProperty("max.request.size", String.valueOf(64 * 1024 * 1024));
        p.setProperty("buffer.memory", String.valueOf(256L * 1024 * 1024));
        p.setProperty("linger.ms", "5");
        return p;
    }
}
