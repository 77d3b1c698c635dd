package io.satstream.app.models;

import java.io.PrintWriter;
import java.time.Duration;

import io.satstream.app.BootstrapServersConverter;
import io.satstream.app.DurationConverter;
import io.satstream.app.internal.ErrorMessages;
import io.satstream.modelstore.events.ModelEventPublisher;
import io.satstream.schemas.ModelEvent;
import io.satstream.schemas.Topics;

import org.apache.kafka.clients.producer.RecordMetadata;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code --bootstrap} and friends of the commands that change the store and announce it (a picocli @Mixin). */
final class EventOptions {

    /** The {@code publisher} of the events the CLI writes. */
    static final String PUBLISHER = "satstream-cli";

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

    /**
     * Publishes {@code event} and prints where it went. The store has changed already and stays so: when Kafka refuses
     * the event, the error says {@code changed} (what the store holds now) and, unless null, {@code remedy}.
     */
    void publish(PrintWriter out, ModelEventPublisher publisher, ModelEvent event, String changed, String remedy) {
        RecordMetadata written;
        try {
            written = publisher.publish(event);
        } catch (RuntimeException e) {
            throw new IllegalStateException(changed + ", but the event was not published: " + ErrorMessages.describe(e)
                    + (remedy == null ? "" : "; " + remedy), e);
        }
        out.println("published " + event.getType() + " " + event.getModelName() + "@" + event.getVersion() + " to "
                + written.topic() + " at " + bootstrap + " (partition " + written.partition() + ", offset "
                + written.offset() + ")");
        out.flush();
    }

    String bootstrap() {
        return bootstrap;
    }

    String topic() {
        return topic;
    }
}
