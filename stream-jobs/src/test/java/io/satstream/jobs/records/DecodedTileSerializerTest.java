package io.satstream.jobs.records;

import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.jobs.TestTiles;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.Tile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * The serializer that carries {@link DecodedTile} into operator state (the batching operator's buffer) and over
 * the network: Flink's POJO serializer, as the job builds it from {@code TypeInformation.of(DecodedTile.class)}.
 */
class DecodedTileSerializerTest {
    private static final TypeSerializer<DecodedTile> SERIALIZER =
            TypeInformation.of(DecodedTile.class).createSerializer(new ExecutionConfig().getSerializerConfig());

    private static DecodedTile decoded(String id, byte[] valid) {
        Tile tile = TestTiles.rgb(id, 4, 3, 1);
        byte[] avro = AvroCodec.tile().encode(tile);
        return new DecodedTile(id, id.getBytes(StandardCharsets.UTF_8), avro, avro, tile, valid, 123);
    }

    @Test
    void isFlinksPojoSerializerNotAGenericFallback() {
        // A field Flink cannot handle as a POJO field would silently switch the whole type to Kryo.
        assertThat(SERIALIZER).isInstanceOf(PojoSerializer.class);
    }

    @Test
    void aTileWithValidityAndOneWithoutRoundTrip() throws IOException {
        byte[] valid = {1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1, 0};
        for (DecodedTile original : new DecodedTile[] {decoded("with-validity", valid), decoded("all-data", null)}) {
            DecodedTile copy = roundTrip(SERIALIZER, SERIALIZER, original);
            assertThat(copy.tileId).isEqualTo(original.tileId);
            assertThat(copy.originalKey).isEqualTo(original.originalKey);
            assertThat(copy.originalValue).isEqualTo(original.originalValue);
            assertThat(copy.tileAvro).isEqualTo(original.tileAvro);
            assertThat(copy.decodeMicros).isEqualTo(123);
            assertThat(copy.valid).as(original.tileId).isEqualTo(original.valid);
            // the transient decoded tile is rebuilt from the Avro bytes
            assertThat(copy.tile(AvroCodec.tile())).isEqualTo(original.tile(AvroCodec.tile()));
        }
    }

    @Test
    void theSnapshotRestoresASerializerThatReadsWhatThisOneWrote() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, SERIALIZER.snapshotConfiguration());
        TypeSerializerSnapshot<DecodedTile> restored = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());

        assertThat(SERIALIZER.snapshotConfiguration().resolveSchemaCompatibility(restored).isCompatibleAsIs())
                .isTrue();
        DecodedTile copy = roundTrip(SERIALIZER, restored.restoreSerializer(), decoded("t", new byte[12]));
        assertThat(copy.valid).containsOnly(0);
    }

    private static DecodedTile roundTrip(TypeSerializer<DecodedTile> writer, TypeSerializer<DecodedTile> reader,
            DecodedTile value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(1024);
        writer.serialize(value, out);
        return reader.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }
}
