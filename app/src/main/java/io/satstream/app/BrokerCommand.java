package io.satstream.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import io.satstream.kafka.EmbeddedKafka;
import io.satstream.kafka.SatstreamTopics;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code satstream broker}: only the embedded Kafka broker, for users without a Kafka of their own.
 * Its data lives in {@code <work-dir>/kafka}, so a restart on the same work directory keeps the topics
 * and their records. Runs until Ctrl-C / SIGTERM, then shuts the broker down cleanly.
 */
@Command(name = "broker",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the embedded Kafka broker (KRaft, one node) with the satstream topics until stopped (Ctrl-C).",
            "Prints 'kafka bootstrap: 127.0.0.1:PORT' when ready. Data stays in <work-dir>/kafka across restarts.%n"
        })
public final class BrokerCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerCommand.class);

    /** Time the shutdown hook grants the broker to flush and close its logs. */
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(60);

    @Spec
    private CommandSpec spec;

    @Mixin
    private WorkDirOption workDir;

    @Option(names = "--port", paramLabel = "N", defaultValue = "9092",
            description = "broker port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE})")
    private int port;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "2",
            description = "partitions of newly created topics (default: ${DEFAULT-VALUE})")
    private int partitions;

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be 0..65535, got " + port);
        }
        if (partitions < 1) {
            throw new ParameterException(spec.commandLine(), "--partitions must be at least 1, got " + partitions);
        }
        PrintWriter out = spec.commandLine().getOut();
        Path logDir = workDir.ensure("kafka");
        if (port != 0) {
            requireFree(port);
        }
        EmbeddedKafka kafka = EmbeddedKafka.builder().port(port).logDir(logDir).build();
        try (ShutdownSignal stop = ShutdownSignal.install("broker", SHUTDOWN_GRACE)) {
            try {
                kafka.start();
                SatstreamTopics.Names topics = SatstreamTopics.Names.defaults();
                SatstreamTopics.ensure(kafka.bootstrapServers(), topics, partitions);
                LOG.info("broker serving {} with topics {} (data in {})", kafka.bootstrapServers(), topics.all(), logDir);
                out.println("kafka bootstrap: " + kafka.bootstrapServers());
                out.println("kafka data: " + logDir);
                out.println("topics: " + String.join(", ", topics.all()));
                out.println("press Ctrl-C to stop");
                out.flush();
                stop.await();
                out.println("stopping kafka broker");
                out.flush();
            } finally {
                kafka.close();
            }
            LOG.info("broker stopped");
            out.println("kafka broker stopped");
            out.flush();
        }
        return 0;
    }

    // Kafka's own bind failure surfaces as a long startup stack; say it plainly before starting.
    private static void requireFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", port));
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " on 127.0.0.1 is in use; choose another with --port"
                    + " (0 picks a free one)", e);
        }
    }
}
