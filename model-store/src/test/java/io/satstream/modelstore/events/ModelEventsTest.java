package io.satstream.modelstore.events;

import static io.satstream.modelstore.events.EventFixtures.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.satstream.modelstore.ModelManifest;
import io.satstream.modelstore.ModelStore;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.ModelEvent;
import io.satstream.schemas.ModelEventType;
import io.satstream.schemas.ModelInputSpec;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelEventsTest {

    private static final Clock PUBLISHED = Clock.fixed(Instant.parse("2026-03-01T12:00:00.123456Z"), ZoneOffset.UTC);
    private static final Clock REFUSED = Clock.fixed(Instant.parse("2026-03-01T12:05:00.9Z"), ZoneOffset.UTC);

    @TempDir
    Path root;

    @Test
    void ofCopiesEveryFieldOfTheManifest() {
        ModelStore store = ModelStore.open(root);
        ModelManifest m = EventFixtures.manifest();

        ModelEvent e = ModelEvents.of(store, m, ModelEventType.PROMOTED, "promoted by a test", "satstream-cli",
                PUBLISHED);

        assertThat(e.getModelName()).isEqualTo(MODEL);
        assertThat(e.getVersion()).isEqualTo(7);
        assertThat(e.getType()).isEqualTo(ModelEventType.PROMOTED);
        assertThat(e.getUri()).isEqualTo(store.versionDir(MODEL, 7).toUri().toString());
        assertThat(e.getSha256()).isEqualTo(m.files().get(ModelManifest.MODEL_FILE));
        assertThat(e.getFiles()).isEqualTo(m.files());
        assertThat(e.getObjective()).isEqualTo("sop");
        // the change's time by the given clock, to the millisecond the schema holds
        assertThat(e.getCreatedAt()).isEqualTo(Instant.parse("2026-03-01T12:00:00.123Z"));
        assertThat(e.getMessage()).isEqualTo("promoted by a test");
        ModelInputSpec spec = e.getInputSpec();
        assertThat(spec.getBands()).isEqualTo(m.inputSpec().bands());
        assertThat(spec.getTileSize()).isEqualTo(m.inputSpec().tileSize());
        assertThat(spec.getScale()).isEqualTo(m.inputSpec().scale());
        assertThat(spec.getMean()).containsExactly(0.1f, 0.2f, 0.3f, 0.4f);
        assertThat(spec.getStd()).containsExactly(0.5f, 0.6f, 0.7f, 0.8f);
        assertThat(e.getClassNames()).isEqualTo(m.classNames());
        assertThat(e.getPublisher()).isEqualTo("satstream-cli");
        assertThat(e.getReason()).isNull();
        assertThat(e.getSubtask()).isNull();
        // everything it holds survives the wire format
        assertThat(AvroCodec.modelEvent().decode(AvroCodec.modelEvent().encode(e))).isEqualTo(e);
    }

    @Test
    void rejectedKeepsTheReferenceAndSaysWhyAndWhichSubtask() {
        ModelEvent promoted = ModelEvents.of(ModelStore.open(root), EventFixtures.manifest(), ModelEventType.PROMOTED,
                "promoted by a test", "satstream-cli", PUBLISHED);

        ModelEvent rejected = ModelEvents.rejected(promoted, ModelEvents.REASON_CHECKSUM,
                "model.onnx has sha256 00…", 2, "satstream-segmentation/2", REFUSED);

        assertThat(rejected.getType()).isEqualTo(ModelEventType.REJECTED);
        assertThat(rejected.getReason()).isEqualTo("checksum");
        assertThat(rejected.getSubtask()).isEqualTo(2);
        assertThat(rejected.getPublisher()).isEqualTo("satstream-segmentation/2");
        assertThat(rejected.getMessage()).isEqualTo("model.onnx has sha256 00…");
        assertThat(rejected.getCreatedAt()).isEqualTo(Instant.parse("2026-03-01T12:05:00.900Z"));
        // the reference, so the refusal names exactly the files that were refused
        assertThat(rejected.getModelName()).isEqualTo(promoted.getModelName());
        assertThat(rejected.getVersion()).isEqualTo(promoted.getVersion());
        assertThat(rejected.getUri()).isEqualTo(promoted.getUri());
        assertThat(rejected.getSha256()).isEqualTo(promoted.getSha256());
        assertThat(rejected.getFiles()).isEqualTo(promoted.getFiles());
        assertThat(rejected.getObjective()).isEqualTo(promoted.getObjective());
        assertThat(rejected.getInputSpec()).isEqualTo(promoted.getInputSpec());
        assertThat(rejected.getClassNames()).isEqualTo(promoted.getClassNames());
        assertThat(promoted.getType()).as("the refused event is left as it was").isEqualTo(ModelEventType.PROMOTED);
    }

    @Test
    void rejectedRefusesAReasonOutsideTheList() {
        ModelEvent promoted = ModelEvents.of(ModelStore.open(root), EventFixtures.manifest(), ModelEventType.PROMOTED,
                null, "satstream-cli", PUBLISHED);

        assertThatThrownBy(() -> ModelEvents.rejected(promoted, "tired", "no", 0, "satstream-segmentation/0", REFUSED))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tired")
                .hasMessageContaining(ModelEvents.REASONS.toString());
    }

    @Test
    void onlyPromotedAndRolledBackChangeWhatServes() {
        ModelStore store = ModelStore.open(root);
        for (ModelEventType type : ModelEventType.values()) {
            ModelEvent e = ModelEvents.of(store, EventFixtures.manifest(), type, null, "satstream-cli", PUBLISHED);
            assertThat(ModelEvents.changesServing(e)).as(type.name())
                    .isEqualTo(type == ModelEventType.PROMOTED || type == ModelEventType.ROLLED_BACK);
        }
    }
}
