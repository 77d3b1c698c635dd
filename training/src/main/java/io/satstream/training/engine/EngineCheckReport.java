package io.satstream.training.engine;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The training engine's numerical self-check: each output of each probed op (forward value and every input
 * gradient) against a plain-Java reference on the same numbers.
 *
 * @param engine e.g. {@code PyTorch 2.7.1}
 * @param error why the engine could not even run the probes, or null
 */
public record EngineCheckReport(String engine, CpuInfo cpu, IsaLimit isaLimit, List<Check> checks, String error,
        Duration took) {

    /** Largest difference from the reference that passes, relative to the reference's largest magnitude. */
    public static final double RELATIVE_TOLERANCE = 1e-3;
    /** Where the findings behind the check and its remedies are written down. */
    public static final String DECISION_RECORD = "docs/decisions/0002-training-numerics-on-every-cpu.md";

    /**
     * One output of one op.
     *
     * @param relativeError max |engine - reference| / max |reference| over the finite values
     * @param nonFinite how many values the engine returned as NaN or infinite
     * @param detail why the op could not be compared (it threw), or null
     */
    public record Check(String op, String output, double relativeError, long nonFinite, String detail) {
        public boolean passed() {
            return detail == null && nonFinite == 0 && relativeError <= RELATIVE_TOLERANCE;
        }

        /** E.g. {@code conv3x3 8->8 (2x8x32x32) dx: off by 4.3e-01 of its range, 12 non-finite values}. */
        public String describe() {
            if (detail != null) {
                return op + ": " + detail;
            }
            String s = op + " " + output + ": off by " + sci(relativeError) + " of its range";
            return nonFinite == 0 ? s : s + ", " + nonFinite + " non-finite values";
        }
    }

    public EngineCheckReport {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(isaLimit, "isaLimit");
        checks = List.copyOf(checks);
        Objects.requireNonNull(took, "took");
    }

    public boolean passed() {
        return error == null && !checks.isEmpty() && checks.stream().allMatch(Check::passed);
    }

    public Optional<Check> firstFailure() {
        return checks.stream().filter(c -> !c.passed()).findFirst();
    }

    /** The largest relative error among the checks that had one. */
    public double worstRelativeError() {
        return checks.stream().filter(c -> c.detail() == null).mapToDouble(Check::relativeError).max().orElse(0);
    }

    /** One line for {@code satstream doctor}: {@code ok (…)} or {@code FAILED …} with the remedy. */
    public String summary() {
        if (passed()) {
            long ops = checks.stream().map(Check::op).distinct().count();
            return String.format(Locale.ROOT, "ok (%s; oneDNN limit: %s; %d outputs of %d ops within %s of the"
                    + " reference, worst %s; %.1f s)", engine, isaLimit.describe(), checks.size(), ops,
                    sci(RELATIVE_TOLERANCE), sci(worstRelativeError()), took.toMillis() / 1000.0);
        }
        return "FAILED on " + cpu.describe() + ": " + what() + "; oneDNN limit: " + isaLimit.describe()
                + "; remedy: " + remedy();
    }

    /** The one line a trainer refuses with. */
    public String refusal() {
        return "training refused: the " + engine + " self-check failed on " + cpu.describe() + ": " + what()
                + "; remedy: " + remedy();
    }

    private String what() {
        if (error != null) {
            return "the engine did not start: " + error;
        }
        long failed = checks.stream().filter(c -> !c.passed()).count();
        return firstFailure().map(Check::describe).orElse("no check ran")
                + (failed > 1 ? " (and " + (failed - 1) + " more outputs)" : "");
    }

    private String remedy() {
        String noneKnown = "no known setting corrects this CPU; train on another machine and bring the model with"
                + " 'satstream models import' (" + DECISION_RECORD + ")";
        if (error != null) {
            return "check the PyTorch native library (the jar pytorch-native-cpu) and ai.djl.offline";
        }
        return switch (isaLimit.source()) {
            case NONE -> "start the JVM with " + IsaLimit.VARIABLE + "=" + IsaLimit.SAFE_VALUE
                    + " in its environment (" + DECISION_RECORD + ")";
            case ENVIRONMENT -> IsaLimit.SAFE_VALUE.equalsIgnoreCase(isaLimit.value()) ? noneKnown
                    : "unset " + isaLimit.variable() + " (it is " + isaLimit.value() + ") or set it to "
                            + IsaLimit.SAFE_VALUE + " (" + DECISION_RECORD + ")";
            // Set in-process: it only holds if nothing ran a PyTorch kernel in this JVM before satstream did.
            case AUTOMATIC -> "start the JVM with " + IsaLimit.VARIABLE + "=" + IsaLimit.SAFE_VALUE
                    + " in its environment in case another component ran PyTorch first; if that fails too, "
                    + noneKnown;
        };
    }

    private static String sci(double v) {
        return String.format(Locale.ROOT, "%.1e", v);
    }
}
