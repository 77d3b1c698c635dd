package io.satstream.app.models;

import java.time.Duration;

import io.satstream.app.BootstrapServersConverter;
import io.satstream.app.DurationConverter;
import io.satstream.schemas.Topics;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code --bootstrap} and friends of the commands that change what serves (a picocli {@code @Mixin}). */
final class EventOptions {

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", converter = BootstrapServersConverter.class,
            description = "also publish a ModelEvent (key: model name) to this Kafka, on the compacted model-events"
                    + " topic (created if missing)")
    private String bootstrap;

    @Option(names = "--topic", paramLabel = "NAME", defaultValue = Topics.MODEL_EVENTS,
            description = "topic for the event (default: ${DEFAULT-VALUE})")
    private String topic;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "30s",
            converter = DurationConverter.class,
            description = "give up when Kafka does not answer within this long (default: ${DEFAULT-VALUE})")
    private Duration connectTimeout;

    /** Usage errors, reported before anything is read or changed. */
    void validate(CommandLine cmd) {
        if (topic.isBlank()) {
            throw new ParameterException(cmd, "--topic must not be empty");
        }
        if (connectTimeout.isZero()) {
            throw new ParameterException(cmd, "--connect-timeout must be more than 0");
        }
    }

    /** A connected publisher, or null when no {@code --bootstrap} was given. */
    ModelEventPublisher connectIfAsked() {
        return bootstrap == null ? null : ModelEventPublisher.connect(bootstrap, topic, connectTimeout);
    }

    String bootstrap() {
        return bootstrap;
    }

    String topic() {
        return topic;
    }
}
