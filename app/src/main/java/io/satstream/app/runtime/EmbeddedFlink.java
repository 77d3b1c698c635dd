package io.satstream.app.runtime;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.prometheus.PrometheusReporterFactory;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * A Flink MiniCluster inside this JVM, with its REST endpoint and web UI on a chosen (or free) port and,
 * optionally, Flink's Prometheus reporter serving every metric of the cluster and its jobs.
 * Jobs are built on a fresh environment and submitted as job graphs, as on a real cluster.
 */
public final class EmbeddedFlink implements AutoCloseable {
    /** {@code metricsPort} for a cluster without the Prometheus reporter. */
    public static final int NO_METRICS = -1;
    /** The reporter's name in the {@code metrics.reporter.<name>.*} keys. */
    private static final String REPORTER = "prom";
    private static final Duration METRICS_CHECK_TIMEOUT = Duration.ofSeconds(10);

    private final MiniCluster cluster;
    private final URI restAddress;
    private final URI metricsAddress;

    private EmbeddedFlink(MiniCluster cluster, URI restAddress, URI metricsAddress) {
        this.cluster = cluster;
        this.restAddress = restAddress;
        this.metricsAddress = metricsAddress;
    }

    /**
     * Starts a MiniCluster without a metrics endpoint.
     *
     * @param uiPort REST/web UI port; 0 picks a free one
     * @param slots task slots of its one TaskManager
     * @param tmpDir where Flink writes its temporary files (it leaves jars behind in java.io.tmpdir otherwise)
     */
    public static EmbeddedFlink start(int uiPort, int slots, Path tmpDir) throws Exception {
        return start(uiPort, NO_METRICS, slots, tmpDir);
    }

    /**
     * Starts a MiniCluster whose metrics Flink's Prometheus reporter serves at
     * {@code http://127.0.0.1:<metricsPort>/metrics} (it listens on every interface: the reporter has no bind
     * address option).
     *
     * @param uiPort REST/web UI port; 0 picks a free one
     * @param metricsPort Prometheus port; 0 picks a free one; {@link #NO_METRICS} for none
     * @param slots task slots of its one TaskManager
     * @param tmpDir where Flink writes its temporary files (it leaves jars behind in java.io.tmpdir otherwise)
     * @throws IllegalStateException when the reporter does not serve on that port (e.g. it was taken meanwhile)
     */
    public static EmbeddedFlink start(int uiPort, int metricsPort, int slots, Path tmpDir) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_PORT, String.valueOf(uiPort));
        conf.set(CoreOptions.TMP_DIRS, tmpDir.toString());
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(64));
        // The reporter would take port 0 too, but could not tell us which port it got: we choose and pass it.
        int promPort = metricsPort == 0 ? Ports.free() : metricsPort;
        if (promPort > 0) {
            reporterOption(conf, "factory.class", PrometheusReporterFactory.class.getName());
            reporterOption(conf, "port", String.valueOf(promPort));
        }
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        cluster.start();
        try {
            URI rest = cluster.getRestAddress().get(30, TimeUnit.SECONDS);
            URI metrics = null;
            if (promPort > 0) {
                metrics = URI.create("http://127.0.0.1:" + promPort + "/metrics");
                requireServing(metrics);
            }
            return new EmbeddedFlink(cluster, rest, metrics);
        } catch (Exception | Error e) {
            try {
                cluster.closeAsync().get(60, TimeUnit.SECONDS);
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    private static void reporterOption(Configuration conf, String key, String value) {
        conf.set(ConfigOptions.key("metrics.reporter." + REPORTER + "." + key).stringType().noDefaultValue(), value);
    }

    /**
     * Flink logs a reporter that cannot bind its port and starts without it; we would then print an address that
     * serves nothing (or another process). The JobManager's metrics exist from the start, so our reporter's first
     * page names them.
     */
    private static void requireServing(URI metrics) throws InterruptedException {
        String why;
        try {
            HttpResponse<String> page = scrape(metrics, METRICS_CHECK_TIMEOUT);
            if (page.statusCode() == 200 && page.body().contains("flink_jobmanager_")) {
                return;
            }
            why = "it answered HTTP " + page.statusCode() + " without Flink's metrics";
        } catch (IOException e) {
            why = e.toString();
        }
        throw new IllegalStateException("Flink's Prometheus reporter is not serving " + metrics + " (" + why
                + "); is port " + metrics.getPort() + " taken? Choose another with --metrics-port");
    }

    /** One GET of a Prometheus text endpoint. */
    public static HttpResponse<String> scrape(URI metrics, Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
        return http.send(HttpRequest.newBuilder(metrics).timeout(timeout).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The web UI / REST address, e.g. {@code http://127.0.0.1:8081}. */
    public URI restAddress() {
        return restAddress;
    }

    public int restPort() {
        return restAddress.getPort();
    }

    /** The Prometheus endpoint, e.g. {@code http://127.0.0.1:9249/metrics}; empty when started without one. */
    public Optional<URI> metricsAddress() {
        return Optional.ofNullable(metricsAddress);
    }

    /** Builds a job on a fresh environment with {@code topology} and submits it. */
    public JobClient submit(String jobName, Consumer<StreamExecutionEnvironment> topology) throws Exception {
        return submit(jobName, new Configuration(), null, topology);
    }

    /**
     * Builds a job on a fresh environment configured with {@code jobConfiguration} and submits it, restoring its
     * state from {@code restoreFrom} (a checkpoint or savepoint directory) when that is not null. State of
     * operators the topology no longer has (e.g. the features branch turned off) is skipped.
     */
    public JobClient submit(String jobName, Configuration jobConfiguration, Path restoreFrom,
            Consumer<StreamExecutionEnvironment> topology) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(jobConfiguration);
        topology.accept(env);
        StreamGraph streamGraph = env.getStreamGraph();
        streamGraph.setJobName(jobName);
        if (restoreFrom != null) {
            streamGraph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(restoreFrom.toString(), true));
        }
        JobGraph graph = streamGraph.getJobGraph(Thread.currentThread().getContextClassLoader());
        JobID id = cluster.submitJob(graph).get(60, TimeUnit.SECONDS).getJobID();
        return new MiniClusterJobClient(id, cluster, Thread.currentThread().getContextClassLoader(),
                MiniClusterJobClient.JobFinalizationBehavior.NOTHING);
    }

    /** Cancels the job and waits up to {@code timeout} for it to end. */
    public void cancel(JobClient job, Duration timeout) {
        try {
            job.cancel().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // Already finished or failed: nothing to cancel.
        }
    }

    @Override
    public void close() throws Exception {
        cluster.closeAsync().get(60, TimeUnit.SECONDS);
    }
}
