package io.satstream.app.runtime;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * A Flink MiniCluster inside this JVM, with its REST endpoint and web UI on a chosen (or free) port.
 * Jobs are built on a fresh environment and submitted as job graphs, as on a real cluster.
 */
public final class EmbeddedFlink implements AutoCloseable {
    private final MiniCluster cluster;
    private final URI restAddress;

    private EmbeddedFlink(MiniCluster cluster, URI restAddress) {
        this.cluster = cluster;
        this.restAddress = restAddress;
    }

    /**
     * Starts a MiniCluster.
     *
     * @param uiPort REST/web UI port; 0 picks a free one
     * @param slots task slots of its one TaskManager
     * @param tmpDir where Flink writes its temporary files (it leaves jars behind in java.io.tmpdir otherwise)
     */
    public static EmbeddedFlink start(int uiPort, int slots, Path tmpDir) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_PORT, String.valueOf(uiPort));
        conf.set(CoreOptions.TMP_DIRS, tmpDir.toString());
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(64));
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        cluster.start();
        URI rest = cluster.getRestAddress().get(30, TimeUnit.SECONDS);
        return new EmbeddedFlink(cluster, rest);
    }

    /** The web UI / REST address, e.g. {@code http://127.0.0.1:8081}. */
    public URI restAddress() {
        return restAddress;
    }

    public int restPort() {
        return restAddress.getPort();
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
