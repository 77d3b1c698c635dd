package io.satstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.satstream.schemas.kafka.AvroKafkaDeserializer;
import io.satstream.schemas.kafka.AvroKafkaSerializer;
import io.satstream.schemas.flink.AvroSingleObjectDeserializationSchema;
import io.satstream.schemas.flink.AvroSingleObjectSerializationSchema;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

class AvroCodecTest {

    @Test
    void tileRoundTripsThroughSingleObjectEncoding() {
        Tile tile = SchemaFixtures.tile();
        byte[] bytes = AvroCodec.tile().encode(tile);
        assertThat(bytes[0] & 0xFF).isEqualTo(0xC3);
        assertThat(bytes[1] & 0xFF).isEqualTo(0x01);
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(fingerprint).isEqualTo(SchemaNormalization.parsingFingerprint64(Tile.getClassSchema()));
        assertThat(AvroCodec.tile().decode(bytes)).isEqualTo(tile);
    }

    @Test
    void segmentationAndModelEventRoundTrip() {
        Segmentation s = SchemaFixtures.segmentation();
        assertThat(AvroCodec.segmentation().decode(AvroCodec.segmentation().encode(s))).isEqualTo(s);
        ModelEvent e = SchemaFixtures.modelEvent();
        assertThat(AvroCodec.modelEvent().decode(AvroCodec.modelEvent().encode(e))).isEqualTo(e);
    }

    @Test
    void kafkaSerdesRoundTrip() {
        Tile tile = SchemaFixtures.tile();
        byte[] bytes = new AvroKafkaSerializer<>(AvroCodec.tile()).serialize("tiles", tile);
        assertThat(new AvroKafkaDeserializer<>(AvroCodec.tile()).deserialize("tiles", bytes)).isEqualTo(tile);
        assertThat(new AvroKafkaSerializer<>(AvroCodec.tile()).serialize("tiles", null)).isNull();
    }

    @Test
    void flinkSchemasRoundTripAndAreSerializable() throws Exception {
        var ser = new AvroSingleObjectSerializationSchema<Segmentation>(AvroCodec::segmentation);
        var de = new AvroSingleObjectDeserializationSchema<Segmentation>(Segmentation.class, AvroCodec::segmentation);
        try (var out = new ObjectOutputStream(new ByteArrayOutputStream())) {
            out.writeObject(ser);
            out.writeObject(de);
        }
        Segmentation s = SchemaFixtures.segmentation();
        assertThat(de.deserialize(ser.serialize(s))).isEqualTo(s);
        // The Kafka and Flink paths write identical bytes, so either can read the other.
        assertThat(ser.serialize(s)).isEqualTo(AvroCodec.segmentation().encode(s));
    }

    @Test
    void badBytesGiveAReadableError() {
        assertThatThrownBy(() -> AvroCodec.tile().decode("hello world, not avro".getBytes()))
                .isInstanceOf(AvroDecodingException.class)
                .hasMessageContaining("single-object");
        byte[] good = AvroCodec.tile().encode(SchemaFixtures.tile());
        assertThatThrownBy(() -> AvroCodec.tile().decode(Arrays.copyOf(good, good.length / 2)))
                .isInstanceOf(AvroDecodingException.class)
                .hasMessageContaining("Tile");
        byte[] segmentation = AvroCodec.segmentation().encode(SchemaFixtures.segmentation());
        assertThatThrownBy(() -> AvroCodec.tile().decode(segmentation))
                .isInstanceOf(AvroDecodingException.class);
        assertThatThrownBy(() -> AvroCodec.tile().decode(null)).isInstanceOf(AvroDecodingException.class);
    }

    @Test
    void modelRefParsesAndRefusesJunk() {
        assertThat(ModelRef.parse("unet-sop@7")).isEqualTo(new ModelRef("unet-sop", 7));
        assertThat(new ModelRef("unet", 3).toString()).isEqualTo("unet@3");
        assertThatThrownBy(() -> ModelRef.parse("unet")).hasMessageContaining("NAME@VERSION");
        assertThatThrownBy(() -> ModelRef.parse("unet@x")).hasMessageContaining("numeric");
        assertThatThrownBy(() -> ModelRef.parse("unet@0")).hasMessageContaining(">= 1");
    }
}
