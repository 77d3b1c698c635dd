package io.satstream.jobs.pretrain;

import java.util.function.Consumer;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * The pretraining job's sink: each admitted tile goes to the receiver registered under {@code name} in this JVM
 * ({@link LocalHandoff}), and the receiver's gauges are reported as this operator's metrics. At-most-once by design:
 * the buffer is a sample of the stream, not a copy of it.
 */
public final class LocalHandoffSink implements Sink<AdmittedTile> {
    private static final long serialVersionUID = 1L;

    private final String name;

    public LocalHandoffSink(String name) {
        this.name = name;
    }

    @Override
    public SinkWriter<AdmittedTile> createWriter(WriterInitContext context) {
        Consumer<AdmittedTile> receiver = LocalHandoff.receiver(name);
        LocalHandoff.gauges(name).forEach((metric, value) -> context.metricGroup().gauge(metric, value::get));
        return new SinkWriter<>() {
            @Override
            public void write(AdmittedTile tile, Context ctx) {
                receiver.accept(tile);
            }

            @Override
            public void flush(boolean endOfInput) {
                // nothing buffered here
            }

            @Override
            public void close() {
                // the receiver belongs to whoever registered it
            }
        };
    }
}
