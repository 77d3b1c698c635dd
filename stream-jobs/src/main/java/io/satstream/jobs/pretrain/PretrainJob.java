package io.satstream.jobs.pretrain;

import io.satstream.jobs.internal.TilesSource;
import io.satstream.jobs.records.RawTileRecord;
import io.satstream.schemas.InputLimits;
import java.time.Duration;
import java.util.Objects;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The pretraining job: {@code tiles} → decode → admission ({@link TileAdmission}; refusals counted by reason) → a
 * sink that hands tiles to the pretraining buffer. It reads with its own consumer group, so it never holds back the
 * segmentation job; it starts from its committed offsets (the earliest on first start) and commits them with each
 * checkpoint. Tiles are handed over at most once: a sample of the stream is what pretraining needs.
 */
public final class PretrainJob {

    public static final String JOB_NAME = "satstream-pretraining";

    private PretrainJob() {
    }

    /** Settings of the job. */
    public record Config(String bootstrapServers, String tilesTopic, String groupId, TileAdmission.Thresholds admission,
            InputLimits inputLimits, int parallelism, Duration checkpointInterval) {
        public Config {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Objects.requireNonNull(tilesTopic, "tilesTopic");
            Objects.requireNonNull(groupId, "groupId");
            Objects.requireNonNull(admission, "admission");
            Objects.requireNonNull(inputLimits, "inputLimits");
            if (parallelism < 1) {
                throw new IllegalArgumentException("parallelism must be >= 1: " + parallelism);
            }
            if (checkpointInterval == null || checkpointInterval.toMillis() < 10) {
                throw new IllegalArgumentException("checkpointInterval must be at least 10 ms: " + checkpointInterval);
            }
        }
    }

    /** Adds the job to {@code env}, ending in {@code sink} (a {@link LocalHandoffSink} for an in-JVM buffer). */
    public static void build(StreamExecutionEnvironment env, Config cfg, Sink<AdmittedTile> sink) {
        env.enableCheckpointing(cfg.checkpointInterval().toMillis(), CheckpointingMode.AT_LEAST_ONCE);
        env.setParallelism(cfg.parallelism());
        KafkaSource<RawTileRecord> source = TilesSource.builder(cfg.bootstrapServers(), cfg.tilesTopic(),
                cfg.groupId()).build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "tiles").uid("pretrain-tiles-source")
                .process(new PretrainAdmissionFunction(cfg.inputLimits(), cfg.admission()))
                .uid("pretrain-admission").name("decode + admission")
                .sinkTo(sink).uid("pretrain-buffer-sink").name("pretraining buffer");
    }
}
