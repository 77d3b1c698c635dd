package io.satstream.modelstore;

import io.satstream.inference.InputSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** The JSON form of an {@link InputSpec} inside a manifest. */
public record InputSpecJson(List<String> bands, int tileSize, float scale, float[] mean, float[] std) {

    public InputSpecJson {
        // Validates through the real spec so a manifest can never hold a spec the models module would refuse.
        InputSpec checked = new InputSpec(bands, tileSize, scale, mean, std);
        bands = checked.bands();
        mean = checked.mean();
        std = checked.std();
    }

    public static InputSpecJson of(InputSpec spec) {
        return new InputSpecJson(spec.bands(), spec.tileSize(), spec.scale(), spec.mean(), spec.std());
    }

    public InputSpec toInputSpec() {
        return new InputSpec(bands, tileSize, scale, mean, std);
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputSpecJson other && toInputSpec().equals(other.toInputSpec());
    }

    @Override
    public int hashCode() {
        return Objects.hash(bands, tileSize, scale, Arrays.hashCode(mean), Arrays.hashCode(std));
    }

    @Override
    public String toString() {
        return "InputSpecJson[bands=" + bands + ", tileSize=" + tileSize + ", scale=" + scale + ", mean="
                + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
