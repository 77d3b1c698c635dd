package io.satstream.training.engine;

/** Starts the training engine in a fresh JVM and prints its check: what a launcher, test fork or TaskManager gets. */
public final class PrintEngineCheck {

    private PrintEngineCheck() {
    }

    public static void main(String[] args) {
        EngineCheckReport report = TrainingEngine.shared().report();
        System.out.println("limit: " + report.isaLimit().source() + " " + report.isaLimit().value());
        System.out.println("check: " + report.summary());
        System.exit(report.passed() ? 0 : 1);
    }
}
