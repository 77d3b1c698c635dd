package io.satstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.kafka.EmbeddedKafka;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code job pretrain} against a Kafka holding synthetic tiles: it starts the pretraining job and the trainer,
 * prints where it runs and a status line with the buffer's fill and the trainer's step, fills the buffer, and exits
 * 0 after {@code --duration}.
 */
class JobPretrainCommandITCase {

    @TempDir
    Path tmp;

    @Test
    void runsThePretrainingJobAndTheTrainerForItsDuration() throws Exception {
        Path work = tmp.resolve("work");
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            String bootstrap = kafka.bootstrapServers();
            CliRun ingest = CliRun.of("ingest", "synthetic", "--bootstrap", bootstrap, "--count", "24", "--rate", "0",
                    "--tile-size", "128", "--seed", "3");
            assertThat(ingest.exitCode()).as(ingest.err()).isZero();

            CliRun run = CliRun.of("job", "pretrain", "--bootstrap", bootstrap, "--work-dir", work.toString(),
                    "--ui-port", "0", "--duration", "25s", "--candidate-every", "1000");

            assertThat(run.exitCode()).as("%s%n%s", run.out(), run.err()).isZero();
            assertThat(run.out()).contains("kafka bootstrap: " + bootstrap)
                    .contains("model store: " + work.resolve("models") + " (serving none yet)")
                    .contains("job: satstream-pretraining (")
                    .contains("objective: sop, checkpoints in " + work.resolve("pretrain-checkpoints").resolve("sop"));
            String last = run.outLines().get(run.outLines().size() - 1);
            assertThat(last).startsWith("done: buffer ").contains("/2048 | step ");
            int fill = Integer.parseInt(last.substring("done: buffer ".length(), last.indexOf('/')));
            assertThat(fill).isPositive();
            assertThat(Files.isDirectory(work.resolve("models"))).isTrue();
        }
    }
}
