package io.satstream.training;

import java.util.Random;

/** An endless supply of labelled samples; draws depend only on {@code rnd}, so a seed reproduces them. */
@FunctionalInterface
public interface LabeledSampleSource {

    LabeledSample next(Random rnd);
}
