package io.satstream.inference;

/** How one sample of a planar pixel buffer is stored; multi-byte samples are little-endian. */
public enum SampleType {
    UINT8(1),
    UINT16(2),
    FLOAT32(4);

    private final int bytesPerSample;

    SampleType(int bytesPerSample) {
        this.bytesPerSample = bytesPerSample;
    }

    public int bytesPerSample() {
        return bytesPerSample;
    }
}
