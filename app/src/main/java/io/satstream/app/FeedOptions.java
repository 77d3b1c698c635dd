package io.satstream.app;

import io.satstream.schemas.Topics;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options every exactly-once ingest feed ({@code ingest files}, {@code stac}, {@code xyz}) shares, as a
 * picocli {@code @Mixin}: the Kafka to produce to, the tiles topic, and the dead-letter topic for refused
 * scenes.
 */
public final class FeedOptions {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT",
            converter = BootstrapServersConverter.class, description = "Kafka to produce to")
    private String bootstrap;

    @Option(names = "--topic", paramLabel = "NAME", defaultValue = Topics.TILES,
            description = "topic to produce to (default: ${DEFAULT-VALUE})")
    private String topic = Topics.TILES;

    @Option(names = "--dlq-topic", paramLabel = "NAME", defaultValue = Topics.TILES_DLQ,
            description = "topic for refused scenes: the original bytes with error, stage=ingest and source headers"
                    + " (default: ${DEFAULT-VALUE})")
    private String dlqTopic = Topics.TILES_DLQ;

    /** @throws ParameterException when the two topics are the same */
    FeedTarget target() {
        if (dlqTopic.equals(topic)) {
            throw new ParameterException(mixee.commandLine(), "--dlq-topic must differ from --topic (" + topic + ")");
        }
        return new FeedTarget(bootstrap, topic, dlqTopic);
    }

    String topic() {
        return topic;
    }
}
