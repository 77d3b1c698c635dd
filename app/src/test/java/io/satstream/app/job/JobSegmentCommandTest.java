package io.satstream.app.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kafka identity (consumer group and transactional-id prefix) of a job belongs to its work directory. */
class JobSegmentCommandTest {
    @TempDir
    Path tmp;

    @Test
    void sameWorkDirSameIdentityAnotherWorkDirAnother() {
        String a = JobSegmentCommand.kafkaIdentity(tmp.resolve("a"));
        assertThat(a).matches("satstream-segmentation-[0-9a-f]{16}");
        // a restart must find its group and abort its own open transactions ...
        assertThat(JobSegmentCommand.kafkaIdentity(tmp.resolve("x/../a"))).isEqualTo(a);
        // ... while a job from another work dir must not fence it (nor share its offsets)
        assertThat(JobSegmentCommand.kafkaIdentity(tmp.resolve("b"))).isNotEqualTo(a);
    }
}
