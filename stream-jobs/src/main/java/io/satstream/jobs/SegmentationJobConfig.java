package io.satstream.jobs;

import io.satstream.schemas.InputLimits;
import io.satstream.schemas.Topics;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Everything {@link SegmentationJob} needs, validated once by {@link Builder#build()}. Defaults fit the
 * embedded demo on a small machine.
 */
public final class SegmentationJobConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Default most tiles per inference batch. */
    public static final int DEFAULT_BATCH_MAX_SIZE = 8;
    /** Default longest wait for a batch to fill, from its first tile. */
    public static final Duration DEFAULT_BATCH_MAX_WAIT = Duration.ofMillis(50);
    /** Default checkpoint interval; it is also the floor of end-to-end latency for read_committed readers. */
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(2);
    private static final Set<String> RUNTIMES = Set.of("auto", "onnxruntime", "tensorrt");

    private final String bootstrapServers;
    private final String tilesTopic;
    private final String segmentationsTopic;
    private final String dlqTopic;
    private final String featuresTopic;
    private final String modelEventsTopic;
    private final Duration maxModelLag;
    private final boolean featuresEnabled;
    private final String groupId;
    private final String transactionalIdPrefix;
    private final String modelStoreDir;
    private final String modelName;
    private final String runtime;
    private final int intraOpThreads;
    private final int interOpThreads;
    private final int batchMaxSize;
    private final Duration batchMaxWait;
    private final int parallelism;
    private final Duration checkpointInterval;
    private final InputLimits inputLimits;
    private final Duration transactionTimeout;

    private SegmentationJobConfig(Builder b) {
        this.bootstrapServers = b.bootstrapServers;
        this.tilesTopic = b.tilesTopic;
        this.segmentationsTopic = b.segmentationsTopic;
        this.dlqTopic = b.dlqTopic;
        this.featuresTopic = b.featuresTopic;
        this.modelEventsTopic = b.modelEventsTopic;
        this.maxModelLag = b.maxModelLag;
        this.featuresEnabled = b.features;
        this.groupId = b.groupId;
        this.transactionalIdPrefix = b.transactionalIdPrefix;
        this.modelStoreDir = b.modelStoreDir;
        this.modelName = b.modelName;
        this.runtime = b.runtime;
        this.intraOpThreads = b.intraOpThreads;
        this.interOpThreads = b.interOpThreads;
        this.batchMaxSize = b.batchMaxSize;
        this.batchMaxWait = b.batchMaxWait;
        this.parallelism = b.parallelism;
        this.checkpointInterval = b.checkpointInterval;
        this.inputLimits = b.inputLimits;
        this.transactionTimeout = b.transactionTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * All cores but one: the spare core runs Kafka I/O, decoding and post-processing beside the
     * runtime, which measured faster end to end than giving the runtime every core (bench pipeline).
     */
    public static int defaultInferenceThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    public String bootstrapServers() { return bootstrapServers; }
    public String tilesTopic() { return tilesTopic; }
    public String segmentationsTopic() { return segmentationsTopic; }
    public String dlqTopic() { return dlqTopic; }
    public String featuresTopic() { return featuresTopic; }
    /** The compacted topic whose PROMOTED and ROLLED_BACK events of {@link #modelName()} the job follows. */
    public String modelEventsTopic() { return modelEventsTopic; }
    /**
     * How long tiles may keep being served by the previous version once a promotion arrived; past it they wait for
     * the load to end. Zero (the default): tiles never wait, the switch happens whenever the new version is ready.
     */
    public Duration maxModelLag() { return maxModelLag; }
    /** Whether masks are also vectorised to GeoJSON on {@link #featuresTopic()}. */
    public boolean featuresEnabled() { return featuresEnabled; }
    public String groupId() { return groupId; }
    public String transactionalIdPrefix() { return transactionalIdPrefix; }
    public String modelStoreDir() { return modelStoreDir; }
    public String modelName() { return modelName; }
    public String runtime() { return runtime; }
    public int intraOpThreads() { return intraOpThreads; }
    public int interOpThreads() { return interOpThreads; }
    public int batchMaxSize() { return batchMaxSize; }
    public Duration batchMaxWait() { return batchMaxWait; }
    public int parallelism() { return parallelism; }
    public Duration checkpointInterval() { return checkpointInterval; }
    /** What one record may make the job allocate; over a limit, the record goes to the DLQ with the reason. */
    public InputLimits inputLimits() { return inputLimits; }
    public Duration transactionTimeout() { return transactionTimeout; }

    /** Builder; {@link #build()} reports every problem at once. */
    public static final class Builder {
        private String bootstrapServers;
        private String tilesTopic = Topics.TILES;
        private String segmentationsTopic = Topics.SEGMENTATIONS;
        private String dlqTopic = Topics.TILES_DLQ;
        private String featuresTopic = Topics.SEGMENTATION_FEATURES;
        private String modelEventsTopic = Topics.MODEL_EVENTS;
        private Duration maxModelLag = Duration.ZERO;
        private boolean features;
        private String groupId = "satstream-segmentation";
        private String transactionalIdPrefix = "satstream-segmentation";
        private String modelStoreDir;
        private String modelName = "unet";
        private String runtime = "auto";
        private int intraOpThreads = defaultInferenceThreads();
        private int interOpThreads = 1;
        private int batchMaxSize = DEFAULT_BATCH_MAX_SIZE;
        private Duration batchMaxWait = DEFAULT_BATCH_MAX_WAIT;
        private int parallelism = 1;
        private Duration checkpointInterval = DEFAULT_CHECKPOINT_INTERVAL;
        private InputLimits inputLimits = InputLimits.defaults();
        private Duration transactionTimeout = Duration.ofMinutes(5);

        public Builder bootstrapServers(String v) { bootstrapServers = v; return this; }
        public Builder tilesTopic(String v) { tilesTopic = v; return this; }
        public Builder segmentationsTopic(String v) { segmentationsTopic = v; return this; }
        public Builder dlqTopic(String v) { dlqTopic = v; return this; }
        public Builder featuresTopic(String v) { featuresTopic = v; return this; }
        public Builder modelEventsTopic(String v) { modelEventsTopic = v; return this; }
        /** See {@link SegmentationJobConfig#maxModelLag()}; zero means tiles never wait for a load. */
        public Builder maxModelLag(Duration v) { maxModelLag = v; return this; }
        /** Also vectorise every mask to GeoJSON polygons per class (default off). */
        public Builder features(boolean v) { features = v; return this; }
        public Builder groupId(String v) { groupId = v; return this; }
        public Builder transactionalIdPrefix(String v) { transactionalIdPrefix = v; return this; }
        public Builder modelStoreDir(String v) { modelStoreDir = v; return this; }
        public Builder modelName(String v) { modelName = v; return this; }
        /** {@code auto}, {@code onnxruntime} or {@code tensorrt}. */
        public Builder runtime(String v) { runtime = v; return this; }
        public Builder intraOpThreads(int v) { intraOpThreads = v; return this; }
        public Builder interOpThreads(int v) { interOpThreads = v; return this; }
        public Builder batchMaxSize(int v) { batchMaxSize = v; return this; }
        public Builder batchMaxWait(Duration v) { batchMaxWait = v; return this; }
        public Builder parallelism(int v) { parallelism = v; return this; }
        public Builder checkpointInterval(Duration v) { checkpointInterval = v; return this; }
        public Builder inputLimits(InputLimits v) { inputLimits = v; return this; }
        /** Kafka transaction timeout of the sinks; must stay below the broker's transaction.max.timeout.ms. */
        public Builder transactionTimeout(Duration v) { transactionTimeout = v; return this; }

        public SegmentationJobConfig build() {
            List<String> problems = new ArrayList<>();
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                problems.add("bootstrapServers is required (HOST:PORT of the Kafka cluster)");
            }
            if (modelStoreDir == null || modelStoreDir.isBlank()) {
                problems.add("modelStoreDir is required (directory of the model store)");
            }
            for (String[] t : new String[][] {{"tilesTopic", tilesTopic}, {"segmentationsTopic", segmentationsTopic},
                    {"dlqTopic", dlqTopic}, {"featuresTopic", featuresTopic}, {"modelEventsTopic", modelEventsTopic}, {"groupId", groupId}, {"transactionalIdPrefix", transactionalIdPrefix},
                    {"modelName", modelName}}) {
                if (t[1] == null || t[1].isBlank()) {
                    problems.add(t[0] + " must not be empty");
                }
            }
            if (runtime == null || !RUNTIMES.contains(runtime)) {
                problems.add("runtime must be one of " + RUNTIMES + ", got " + runtime);
            }
            if (intraOpThreads < 1 || interOpThreads < 1) {
                problems.add("intra/inter-op threads must be >= 1");
            }
            if (batchMaxSize < 1 || batchMaxSize > 1024) {
                problems.add("batchMaxSize must be 1..1024, got " + batchMaxSize);
            }
            if (batchMaxWait == null || batchMaxWait.isNegative()) {
                problems.add("batchMaxWait must be >= 0");
            }
            if (maxModelLag == null || maxModelLag.isNegative()) {
                problems.add("maxModelLag must be >= 0 (0: tiles never wait for a model load)");
            }
            if (modelEventsTopic != null && (modelEventsTopic.equals(tilesTopic)
                    || modelEventsTopic.equals(segmentationsTopic) || modelEventsTopic.equals(dlqTopic))) {
                problems.add("the model-events topic must differ from the tiles, segmentations and DLQ topics");
            }
            if (parallelism < 1) {
                problems.add("parallelism must be >= 1, got " + parallelism);
            }
            if (checkpointInterval == null || checkpointInterval.toMillis() < 10) {
                problems.add("checkpointInterval must be >= 10 ms (exactly-once output is committed per checkpoint)");
            }
            if (inputLimits == null) {
                problems.add("inputLimits must be set (InputLimits.defaults() when in doubt)");
            }
            if (transactionTimeout == null || checkpointInterval != null
                    && transactionTimeout.compareTo(checkpointInterval.multipliedBy(2)) < 0) {
                problems.add("transactionTimeout must be at least twice the checkpoint interval");
            }
            if (tilesTopic != null && (tilesTopic.equals(segmentationsTopic) || tilesTopic.equals(dlqTopic))) {
                problems.add("the tiles topic must differ from the output topics");
            }
            if (features && featuresTopic != null && (featuresTopic.equals(tilesTopic)
                    || featuresTopic.equals(segmentationsTopic) || featuresTopic.equals(dlqTopic))) {
                problems.add("the features topic must differ from the tiles, segmentations and DLQ topics");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("invalid segmentation job config: " + String.join("; ", problems));
            }
            return new SegmentationJobConfig(this);
        }
    }
}
