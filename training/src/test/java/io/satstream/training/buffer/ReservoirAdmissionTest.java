package io.satstream.training.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/**
 * Algorithm R without an engine: over many seeded runs, what stays in the reservoir must be spread evenly over the
 * whole stream. The same chi-square check is shown to reject FIFO admission on the same stream, so it can fail.
 */
class ReservoirAdmissionTest {

    private static final int CAPACITY = 100;
    private static final int STREAM = 10_000;
    private static final int RUNS = 300;
    private static final int BUCKETS = 10;
    /** Chi-square with 9 degrees of freedom at p = 0.001. */
    private static final double CHI2_9DOF_P001 = 27.88;

    @Test
    void whatStaysInTheReservoirIsUniformOverTheWholeStream() {
        double chi2 = chiSquareOfFinalContents(seed -> new ReservoirAdmission(CAPACITY, new Random(seed)));
        System.out.println("reservoir chi-square over " + BUCKETS + " buckets: " + chi2);
        assertThat(chi2).isLessThan(CHI2_9DOF_P001);
    }

    @Test
    void theSameCheckRejectsFifoAdmissionWhichKeepsOnlyTheNewest() {
        double chi2 = chiSquareOfFinalContents(seed -> new FifoAdmission(CAPACITY));
        assertThat(chi2).isGreaterThan(CHI2_9DOF_P001);
    }

    @Test
    void theNthTileIsAdmittedWithProbabilityCapacityOverN() {
        // Expected admissions after the reservoir is full: the sum of capacity / n for n = capacity+1 .. STREAM.
        double expected = 0;
        double variance = 0;
        for (int n = CAPACITY + 1; n <= STREAM; n++) {
            double p = (double) CAPACITY / n;
            expected += p;
            variance += p * (1 - p);
        }
        long admitted = 0;
        for (long seed = 0; seed < RUNS; seed++) {
            ReservoirAdmission admission = new ReservoirAdmission(CAPACITY, new Random(seed));
            for (int i = 0; i < STREAM; i++) {
                int slot = admission.next();
                if (i >= CAPACITY && slot != Admission.REFUSED) {
                    admitted++;
                }
            }
            assertThat(admission.seen()).isEqualTo(STREAM);
        }
        double mean = (double) admitted / RUNS;
        double standardError = Math.sqrt(variance / RUNS);
        assertThat(Math.abs(mean - expected)).as("mean admissions %s, expected %s", mean, expected)
                .isLessThan(5 * standardError);
    }

    @Test
    void theFirstTilesFillTheSlotsInOrderAndLaterOnesReplaceAnySlot() {
        ReservoirAdmission admission = new ReservoirAdmission(4, new Random(7));
        assertThat(new int[] {admission.next(), admission.next(), admission.next(), admission.next()})
                .containsExactly(0, 1, 2, 3);
        boolean[] replaced = new boolean[4];
        for (int i = 0; i < 2_000; i++) {
            int slot = admission.next();
            assertThat(slot).isBetween(Admission.REFUSED, 3);
            if (slot >= 0) {
                replaced[slot] = true;
            }
        }
        assertThat(replaced).containsOnly(true);
    }

    @Test
    void refusesANonPositiveCapacity() {
        assertThatThrownBy(() -> new ReservoirAdmission(0, new Random()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("capacity must be >= 1: 0");
    }

    /**
     * Streams ids 0..STREAM-1 through a fresh admission per seed into a reservoir of CAPACITY slots, buckets the ids
     * left at the end into BUCKETS equal ranges, and returns the chi-square statistic against equal bucket counts.
     */
    private static double chiSquareOfFinalContents(LongFunction<Admission> admissionForSeed) {
        long[] counts = new long[BUCKETS];
        for (long seed = 0; seed < RUNS; seed++) {
            Admission admission = admissionForSeed.apply(seed);
            int[] reservoir = new int[CAPACITY];
            for (int id = 0; id < STREAM; id++) {
                int slot = admission.next();
                if (slot != Admission.REFUSED) {
                    reservoir[slot] = id;
                }
            }
            for (int id : reservoir) {
                counts[id / (STREAM / BUCKETS)]++;
            }
        }
        double expected = (double) RUNS * CAPACITY / BUCKETS;
        double chi2 = 0;
        for (long c : counts) {
            chi2 += (c - expected) * (c - expected) / expected;
        }
        return chi2;
    }
}
