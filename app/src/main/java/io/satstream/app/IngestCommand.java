package io.satstream.app;

import io.satstream.ingest.FeedRunner;
import io.satstream.ingest.TileProducer;
import io.satstream.ingest.synthetic.LabelDegradation;
import io.satstream.ingest.synthetic.SyntheticFeed;
import io.satstream.ingest.synthetic.SyntheticSceneGenerator;
import io.satstream.kafka.SatstreamTopics;
import io.satstream.schemas.Topics;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code satstream ingest <feed>}: one feed into the {@code tiles} topic, with a progress line. */
@Command(name = "ingest",
        mixinStandardHelpOptions = true,
        description = {"Runs one feed into the tiles topic, with progress.", ""},
        synopsisSubcommandLabel = "FEED",
        subcommands = {IngestCommand.Synthetic.class, IngestFilesCommand.class, IngestStacCommand.class,
            IngestXyzCommand.class})
public final class IngestCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "missing feed; feeds: " + String.join(", ", spec.subcommands().keySet()));
    }

    /** {@code ingest synthetic}: procedural scenes with their true class masks, at a given rate. */
    @Command(name = "synthetic",
            mixinStandardHelpOptions = true,
            description = {"Produces synthetic satellite tiles (with true class masks) to the tiles topic.", ""})
    static final class Synthetic implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT",
                converter = BootstrapServersConverter.class, description = "Kafka to produce to")
        private String bootstrap;

        @Option(names = "--count", paramLabel = "N", description = "stop after N tiles (default: run until Ctrl-C)")
        private Long count;

        @Option(names = "--rate", paramLabel = "R", defaultValue = "5",
                description = "tiles per second; 0 means as fast as possible (default: ${DEFAULT-VALUE})")
        private double rate;

        @Option(names = "--tile-size", paramLabel = "PX", defaultValue = "256",
                description = "tile side in pixels (default: ${DEFAULT-VALUE})")
        private int tileSize;

        @Option(names = "--seed", paramLabel = "N", description = "scene seed (default: random)")
        private Long seed;

        @Option(names = "--noisy-labels", description = "carry degraded masks instead of the true ones: 8-pixel cells,"
                + " shifted by up to 4 pixels, 10 %% of the cells given a wrong class, as an automatic land-cover"
                + " product would (for the noisy-label pretraining objective)")
        private boolean noisyLabels;

        @Option(names = "--topic", paramLabel = "NAME", defaultValue = Topics.TILES,
                description = "topic to produce to (default: ${DEFAULT-VALUE})")
        private String topic;

        @Override
        public Integer call() throws InterruptedException {
            if (count != null && count < 1) {
                throw new ParameterException(spec.commandLine(), "--count must be >= 1, got " + count);
            }
            if (rate < 0) {
                throw new ParameterException(spec.commandLine(), "--rate must be >= 0, got " + rate);
            }
            if (tileSize < 8 || tileSize > 4096) {
                throw new ParameterException(spec.commandLine(), "--tile-size must be 8..4096, got " + tileSize);
            }
            PrintWriter out = spec.commandLine().getOut();
            SatstreamTopics.ensure(bootstrap, new SatstreamTopics.Names(topic, Topics.SEGMENTATIONS,
                    Topics.MODEL_EVENTS, Topics.TILES_DLQ), 2);
            String runId = Long.toString(System.currentTimeMillis(), 36);
            long s = seed != null ? seed : System.nanoTime();
            FeedRunner.Progress last;
            Exception lastError;
            try (ConsoleProgress progress = ConsoleProgress.forConsole(out);
                    TileProducer producer = new TileProducer(bootstrap, topic);
                    SyntheticFeed feed = new SyntheticFeed(runId, s, tileSize, count == null ? -1 : count)) {
                if (noisyLabels) {
                    feed.withLabelDegradation(LabelDegradation.typical(SyntheticSceneGenerator.CLASS_NAMES.size()));
                }
                FeedRunner runner = FeedRunner.builder(feed, producer)
                        .rate(rate)
                        .maxTiles(count == null ? -1 : count)
                        .progressEvery(Duration.ofMillis(250))
                        .onProgress(p -> progress.update(describe(p, count)))
                        .build();
                try (ShutdownSignal stop = ShutdownSignal.install("ingest", Duration.ofSeconds(10), runner::stop)) {
                    last = runner.run();
                }
                progress.finish(describe(last, count) + " (" + last.reason() + ")");
                lastError = producer.lastError();
            }
            if (last.failed() > 0) {
                // The producer already retried for delivery.timeout.ms: these tiles are not in the topic.
                spec.commandLine().getErr().println("satstream: " + last.failed() + " of " + last.produced()
                        + " tiles were not written to " + topic + "; last error: " + lastError);
                return 1;
            }
            return 0;
        }

        private static String describe(FeedRunner.Progress p, Long count) {
            String bar = "";
            if (count != null) {
                int width = 20;
                int done = (int) Math.min(width, p.produced() * width / count);
                bar = "[" + "#".repeat(done) + " ".repeat(width - done) + "] ";
            }
            return String.format(Locale.ROOT, "%sproduced %d%s | acked %d | failed %d | %.1f tiles/s | %.1f MB",
                    bar, p.produced(), count == null ? "" : "/" + count, p.acked(), p.failed(), p.tilesPerSecond(),
                    p.bytes() / 1e6);
        }
    }
}
