package org.saelab.runner.cli;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.saelab.api.Sae;
import org.saelab.api.TrainingListener;
import org.saelab.api.TrainingState;

/**
 * What {@code bench} reports of the training loop besides its total: the time of the first
 * {@code warmSteps} steps (while the JIT compiles the kernels) against the steps after them,
 * the training thread's CPU time, and the JIT's and the garbage collector's work during the loop.
 */
final class StepClock implements TrainingListener {
    private final long warmSteps;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private long start;
    private long warm;
    private long end;
    private long steps;
    private long cpuStart;
    private long cpu;
    private long compileStart;
    private long compile;
    private long gcStart;
    private long gcCount;
    private long gcMillisStart;
    private long gcMillis;

    StepClock(long warmSteps) {
        this.warmSteps = warmSteps;
    }

    @Override
    public void onStart(long totalSteps, int batchSize) {
        cpuStart = threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : -1;
        compileStart = compilationMillis();
        gcStart = collectorTotal(false);
        gcMillisStart = collectorTotal(true);
        start = System.nanoTime();
    }

    @Override
    public void onStep(long step, double loss, TrainingState state, Sae sae) {
        if (step == warmSteps) {
            warm = System.nanoTime();
        }
    }

    @Override
    public void onFinish(long steps) {
        end = System.nanoTime();
        this.steps = steps;
        cpu = cpuStart < 0 ? -1 : threads.getCurrentThreadCpuTime() - cpuStart;
        compile = compileStart < 0 ? -1 : compilationMillis() - compileStart;
        gcCount = collectorTotal(false) - gcStart;
        gcMillis = collectorTotal(true) - gcMillisStart;
    }

    /** Whether the run had more steps than the warm-up, so that the split means something. */
    boolean split() {
        return steps > warmSteps && warm > 0;
    }

    long warmSteps() {
        return warmSteps;
    }

    double warmSeconds() {
        return (warm - start) / 1e9;
    }

    /** Microseconds per step after the warm-up steps. */
    double steadyMicrosPerStep() {
        return (end - warm) / 1e3 / (steps - warmSteps);
    }

    /** CPU seconds of the training thread, or a negative number where the JVM does not measure it. */
    double threadCpuSeconds() {
        return cpu / 1e9;
    }

    double wallSeconds() {
        return (end - start) / 1e9;
    }

    /** Milliseconds the JIT compilers spent during the loop, or a negative number if unknown. */
    long compileMillis() {
        return compile;
    }

    long collections() {
        return gcCount;
    }

    long collectionMillis() {
        return gcMillis;
    }

    /** Collections so far over every collector ({@code millis}: their time in ms). */
    private static long collectorTotal(boolean millis) {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, millis ? gc.getCollectionTime() : gc.getCollectionCount());
        }
        return total;
    }

    private static long compilationMillis() {
        var compiler = ManagementFactory.getCompilationMXBean();
        return compiler != null && compiler.isCompilationTimeMonitoringSupported() ? compiler.getTotalCompilationTime()
                : -1;
    }
}
