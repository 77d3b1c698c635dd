package io.satstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every released version of each wire schema must stay readable by the current one and able to read
 * what the current one writes (full compatibility), so producers and consumers upgrade in any order.
 */
class SchemaCompatibilityTest {

    static Stream<Arguments> releasedVersions() {
        return Stream.of(
                        Arguments.of("tile", Tile.getClassSchema()),
                        Arguments.of("segmentation", Segmentation.getClassSchema()),
                        Arguments.of("model-event", ModelEvent.getClassSchema()))
                .flatMap(a -> {
                    String name = (String) a.get()[0];
                    Schema current = (Schema) a.get()[1];
                    List<Schema> released = ReleasedSchemas.all(name);
                    return released.stream().map(r -> Arguments.of(name, current, r));
                });
    }

    @ParameterizedTest(name = "{0}: current vs released")
    @MethodSource("releasedVersions")
    void currentSchemaIsFullyCompatibleWithEveryRelease(String name, Schema current, Schema released) {
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(current, released).getType())
                .as("current %s reads data written with a released version (backward)", name)
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        SchemaCompatibility.SchemaPairCompatibility forward =
                SchemaCompatibility.checkReaderWriterCompatibility(released, current);
        if (name.equals("model-event") && released.equals(ReleasedSchemas.load("model-event", 1))) {
            // The one allowed exception: model-event v1's enum had no default, so it cannot name the symbols v2 added
            // (REJECTED, CANDIDATE, UNKNOWN). Nothing read v1 events (no v1 job consumed model-events), and v2 gave
            // the enum a default so later symbols stay forward compatible; any other difference still fails here.
            assertThat(forward.getResult().getIncompatibilities())
                    .as("model-event v1 reading v2 data: only the added enum symbols may be missing")
                    .allSatisfy(i -> {
                        assertThat(i.getType()).isEqualTo(SchemaCompatibility.SchemaIncompatibilityType.MISSING_ENUM_SYMBOLS);
                        assertThat(i.getMessage()).contains("REJECTED", "CANDIDATE", "UNKNOWN");
                    })
                    .isNotEmpty();
            return;
        }
        assertThat(forward.getType())
                .as("released %s reads data written with the current version (forward)", name)
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @org.junit.jupiter.api.Test
    void theModelEventEnumHasADefaultSoSymbolsAddedLaterStayReadable() {
        Schema type = ModelEvent.getClassSchema().getField("type").schema();
        assertThat(type.getEnumDefault()).isEqualTo("UNKNOWN");
        Schema withANewSymbol = new Schema.Parser().parse(ModelEvent.getClassSchema().toString()
                .replace("\"UNKNOWN\"]", "\"UNKNOWN\",\"RETIRED\"]"));
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(ModelEvent.getClassSchema(), withANewSymbol)
                .getType()).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @ParameterizedTest(name = "{0}: latest release equals the current schema")
    @MethodSource("releasedVersions")
    void latestReleaseIsCurrentOrTheChangeIsReleased(String name, Schema current, Schema released) {
        Schema latest = ReleasedSchemas.load(name, ReleasedSchemas.latest(name));
        // A schema change must come with a new released-vN file (and a bump of *_LATEST).
        assertThat(latest).as("schema %s changed without a new released version", name).isEqualTo(current);
    }

    @ParameterizedTest(name = "{0}: data crosses versions")
    @MethodSource("releasedVersions")
    void dataWrittenByTheCurrentSchemaDecodesWithAReleasedOne(String name, Schema current, Schema released)
            throws Exception {
        Object record = switch (name) {
            case "tile" -> SchemaFixtures.tile();
            case "segmentation" -> SchemaFixtures.segmentation();
            default -> SchemaFixtures.modelEvent();
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new org.apache.avro.specific.SpecificDatumWriter<Object>(current).write(record, enc);
        enc.flush();
        BinaryDecoder dec = DecoderFactory.get().binaryDecoder(out.toByteArray(), null);
        GenericRecord asReleased = new GenericDatumReader<GenericRecord>(current, released).read(null, dec);
        assertThat(asReleased.getSchema().getFullName()).isEqualTo(current.getFullName());
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        BinaryEncoder enc2 = EncoderFactory.get().binaryEncoder(back, null);
        new GenericDatumWriter<GenericRecord>(released, GenericData.get()).write(asReleased, enc2);
        enc2.flush();
        assertThat(back.size()).isPositive();
    }
}
