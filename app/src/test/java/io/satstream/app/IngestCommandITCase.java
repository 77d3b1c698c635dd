package io.satstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.kafka.testing.KafkaTestBroker;
import io.satstream.kafka.testing.TopicContents;
import io.satstream.schemas.AvroCodec;
import io.satstream.schemas.Tile;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class IngestCommandITCase {

    @Test
    void syntheticFeedProducesExactlyCountDecodableTiles() {
        String bootstrap = KafkaTestBroker.bootstrapServers();
        String topic = "ingest-it-" + UUID.randomUUID();

        CliRun run = CliRun.of("ingest", "synthetic", "--bootstrap", bootstrap, "--count", "12", "--rate", "0",
                "--tile-size", "64", "--seed", "5", "--topic", topic);

        assertThat(run.exitCode()).as("%s%n%s", run.out(), run.err()).isZero();
        assertThat(run.out()).contains("produced 12/12").contains("(count)");
        List<Tile> tiles = readAll(bootstrap, topic);
        assertThat(tiles).hasSize(12);
        assertThat(tiles).extracting(Tile::getTileId).doesNotHaveDuplicates();
        assertThat(tiles).allSatisfy(t -> {
            assertThat(t.getWidth()).isEqualTo(64);
            assertThat(t.getLabelMask()).isNotNull();
        });
    }

    @Test
    void badArgumentsAreOneLineAndExitTwo() {
        CliRun run = CliRun.of("ingest", "synthetic", "--bootstrap", "127.0.0.1:9", "--count", "0");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString().contains("--count");
        assertThat(CliRun.of("ingest", "nosuchfeed").exitCode()).isEqualTo(2);
    }

    private static List<Tile> readAll(String bootstrap, String topic) {
        return TopicContents.uncommitted(bootstrap, topic).stream().map(r -> AvroCodec.tile().decode(r.value())).toList();
    }
}
