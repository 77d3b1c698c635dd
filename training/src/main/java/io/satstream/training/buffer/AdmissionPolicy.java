package io.satstream.training.buffer;

/** How a full {@link PretrainingBuffer} decides which offered tiles it keeps. */
public enum AdmissionPolicy {

    /** Every tile is admitted and replaces the oldest one: the buffer follows the stream's most recent tiles. */
    FIFO,

    /**
     * Vitter's Algorithm R ({@link ReservoirAdmission}): the buffer holds a uniform sample of every tile offered so
     * far, old and new alike; admissions become rarer as the stream grows.
     */
    RESERVOIR
}
