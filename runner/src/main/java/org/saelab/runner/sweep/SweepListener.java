package org.saelab.runner.sweep;

import org.saelab.api.RunResult;
import org.saelab.api.TrainingListener;

/** Hears about a sweep's runs as they start and finish (e.g. to show progress). */
public interface SweepListener {
    /** Before any run starts: how many runs and how many training steps in all. */
    default void onSweepStart(int runs, long totalSteps, int threads) {}

    /** The listener of one run's training; called on that run's thread. */
    default TrainingListener runListener(PlannedRun run) {
        return new TrainingListener() {};
    }

    default void onRunFinished(PlannedRun run, RunResult result, double seconds) {}

    default void onSweepFinished() {}
}
