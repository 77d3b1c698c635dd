package io.satstream.jobs.internal;

/**
 * What an inference subtask keeps in its checkpoints about the model it serves, so that after a failure or a
 * restart it serves exactly that version and then follows the {@code model-events} after the checkpoint (the
 * events source restores its offsets with it). A Flink POJO: its serializer is Flink's, checked by a round-trip test.
 */
public class ServingState {
    /** The version serving at the checkpoint. */
    public int version;
    /** Model switches made so far (0: the version the job started with). */
    public long generation;
    /** The Avro event that made {@link #version} serve; null when it came from the store's {@code serving.json}. */
    public byte[] servingEvent;
    /** A promotion received but not yet switched to (loading when the checkpoint was taken), or null. */
    public byte[] pendingEvent;
    /** Events created at or before this instant (epoch ms) were already reflected when the job started. */
    public long eventsAfterMillis;

    public ServingState() {}

    public ServingState(int version, long generation, byte[] servingEvent, byte[] pendingEvent, long eventsAfterMillis) {
        this.version = version;
        this.generation = generation;
        this.servingEvent = servingEvent;
        this.pendingEvent = pendingEvent;
        this.eventsAfterMillis = eventsAfterMillis;
    }
}
