package io.satstream.jobs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.ModelEvent;
import io.satstream.schemas.ModelEventType;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.Collector;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * What reaches the inference operator from {@code model-events}: well-formed events of its model, as they were
 * written; anything else — bytes that are not a {@code ModelEvent}, a record whose lengths lie, a tombstone —
 * is counted and skipped without an exception (which would fail the job and replay the record forever).
 */
class ModelEventDeserializationSchemaTest {

    private final Map<String, Counter> counters = new HashMap<>();
    private final List<byte[]> out = new ArrayList<>();

    private ModelEventDeserializationSchema opened() {
        ModelEventDeserializationSchema schema = new ModelEventDeserializationSchema("unet");
        MetricGroup group = new UnregisteredMetricsGroup() {
            @Override
            public Counter counter(String name) {
                return counters.computeIfAbsent(name, n -> new SimpleCounter());
            }
        };
        schema.open(new DeserializationSchema.InitializationContext() {
            @Override
            public MetricGroup getMetricGroup() {
                return group;
            }

            @Override
            public UserCodeClassLoader getUserCodeClassLoader() {
                return SimpleUserCodeClassLoader.create(getClass().getClassLoader());
            }
        });
        return schema;
    }

    private void deserialize(ModelEventDeserializationSchema schema, byte[] value) {
        schema.deserialize(new ConsumerRecord<>("model-events", 0, 0, "unet".getBytes(StandardCharsets.UTF_8), value),
                new Collector<>() {
                    @Override
                    public void collect(byte[] record) {
                        out.add(record);
                    }

                    @Override
                    public void close() {}
                });
    }

    private static ModelEvent event(String model) {
        return ModelEvent.newBuilder().setModelName(model).setVersion(2).setType(ModelEventType.PROMOTED)
                .setUri("file:/models/" + model + "/2/").setSha256("ab".repeat(32))
                .setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L)).build();
    }

    @Test
    void passesWellFormedEventsOfItsModelAsWrittenAndSkipsOtherModels() {
        ModelEventDeserializationSchema schema = opened();
        byte[] unet = AvroCodec.modelEvent().encode(event("unet"));
        deserialize(schema, unet);
        deserialize(schema, AvroCodec.modelEvent().encode(event("roads")));
        assertThat(out).containsExactly(unet);
        assertThat(counters.get("modelEventsMalformed").getCount()).isZero();
    }

    @Test
    void malformedRecordsAreCountedAndSkippedWithoutThrowing() {
        ModelEventDeserializationSchema schema = opened();
        byte[] good = AvroCodec.modelEvent().encode(event("unet"));
        // the uri's length varint claims far more bytes than the record holds
        ByteArrayOutputStream lying = new ByteArrayOutputStream();
        lying.write(good, 0, 10); // single-object header: marker and fingerprint
        io.satstream.schemas.LyingLengths.writeVarint(lying, 4); // "unet" length
        lying.writeBytes("unet".getBytes(StandardCharsets.UTF_8));
        io.satstream.schemas.LyingLengths.writeVarint(lying, 2); // version
        io.satstream.schemas.LyingLengths.writeVarint(lying, 1); // type
        io.satstream.schemas.LyingLengths.writeVarint(lying, 2_000_000_000L); // uri length
        deserialize(schema, "not an event".getBytes(StandardCharsets.UTF_8));
        deserialize(schema, lying.toByteArray());
        deserialize(schema, Arrays.copyOf(good, good.length - 3));
        deserialize(schema, null);
        assertThat(out).isEmpty();
        assertThat(counters.get("modelEventsMalformed").getCount()).isEqualTo(4);
    }
}
