package org.saelab.runner.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.saelab.api.MetricValue;
import org.saelab.api.RunResult;
import org.saelab.api.Sae;
import org.saelab.api.TrainingListener;
import org.saelab.api.TrainingState;
import org.saelab.runner.sweep.PlannedRun;
import org.saelab.runner.sweep.SweepListener;

/**
 * Progress of an experiment. One run shows its own {@link ProgressBar}; several runs (trained
 * in parallel) share one line of overall progress, redrawn by a background thread (10 times a
 * second on a terminal, every ten seconds in a log), plus a line per finished run with its
 * headline metrics. The training threads only add to a counter.
 */
final class SweepProgress implements SweepListener {
    private static final long INTERACTIVE_INTERVAL_MILLIS = 100;
    private static final long PLAIN_INTERVAL_MILLIS = 10_000;
    private static final int BAR_WIDTH = 20;

    private final String label;
    private final PrintStream out;
    private final boolean interactive;
    private final LongSupplier clock;
    private final LongAdder steps = new LongAdder();
    private final AtomicInteger finished = new AtomicInteger();
    private volatile boolean single;
    private int runs;
    private long totalSteps;
    private long startNanos;
    private int batchSize;
    private Thread renderer;
    private int shownLength;

    SweepProgress(String label, PrintStream out, boolean interactive, LongSupplier clock) {
        this.label = requireNonNull(label, "label is null");
        this.out = requireNonNull(out, "out is null");
        this.interactive = interactive;
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Call before {@link #runListener}: whether the experiment is a single run. */
    void expect(int runCount) {
        single = runCount == 1;
    }

    @Override
    public TrainingListener runListener(PlannedRun run) {
        if (single) {
            return new ProgressBar(label + "/" + run.label(), out, interactive, clock);
        }
        return new TrainingListener() {
            @Override
            public void onStart(long totalSteps, int batch) {
                batchSize = batch;
            }

            @Override
            public void onStep(long step, double loss, TrainingState state, Sae sae) {
                steps.increment();
            }
        };
    }

    @Override
    public void onSweepStart(int runCount, long allSteps, int threads) {
        runs = runCount;
        totalSteps = allSteps;
        startNanos = clock.getAsLong();
        if (single) {
            return;
        }
        renderer = new Thread(this::renderLoop, "saelab-progress");
        renderer.setDaemon(true);
        renderer.start();
    }

    @Override
    public void onRunFinished(PlannedRun run, RunResult result, double seconds) {
        finished.incrementAndGet();
        if (single) {
            return;
        }
        StringBuilder line = new StringBuilder();
        line.append("  ").append(run.label()).append(String.format(Locale.ROOT, " done in %.1fs:", seconds));
        for (String metric : new String[] {"recoveredFeatures", "minMaxCos", "hedging", "mse"}) {
            if (result.metrics().get(metric) instanceof MetricValue.Scalar scalar) {
                line.append(' ').append(metric).append(' ').append(org.saelab.api.ResultTable.number(scalar.value()));
            }
        }
        print(line.toString(), true);
    }

    @Override
    public void onSweepFinished() {
        if (renderer != null) {
            renderer.interrupt();
            try {
                renderer.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            render(true);
        }
    }

    private void renderLoop() {
        long interval = interactive ? INTERACTIVE_INTERVAL_MILLIS : PLAIN_INTERVAL_MILLIS;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(interval);
                render(false);
            }
        } catch (InterruptedException e) {
            // finished
        }
    }

    private void render(boolean last) {
        long done = steps.sum();
        long elapsed = clock.getAsLong() - startNanos;
        int percent = totalSteps == 0 ? 100 : (int) (Math.min(done, totalSteps) * 100 / totalSteps);
        StringBuilder line = new StringBuilder(120);
        line.append(label).append(' ');
        if (interactive) {
            int filled = totalSteps == 0 ? BAR_WIDTH : (int) (Math.min(done, totalSteps) * BAR_WIDTH / totalSteps);
            line.append('[').append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("] ");
        }
        long samples = done * Math.max(batchSize, 1);
        line.append(percent).append("%  ").append(finished.get()).append('/').append(runs).append(" runs done  ")
                .append(ProgressBar.formatCount(samples)).append('/')
                .append(ProgressBar.formatCount((double) totalSteps * Math.max(batchSize, 1))).append(" samples  ")
                .append(elapsed > 0 ? ProgressBar.formatCount(samples / (elapsed / 1e9)) : "?").append(" samples/s  ");
        if (last) {
            line.append("in ").append(ProgressBar.formatDuration(elapsed));
        } else {
            line.append("ETA ").append(done > 0 ? ProgressBar.formatDuration((long) (elapsed / (double) done
                    * Math.max(0, totalSteps - done))) : "?");
        }
        print(line.toString(), false);
        if (last && interactive) {
            synchronized (this) {
                out.print('\n');
                shownLength = 0;
                out.flush();
            }
        }
    }

    /** A run's line ({@code permanent}) goes above the progress line; the progress line is redrawn in place. */
    private synchronized void print(String text, boolean permanent) {
        if (!interactive) {
            out.println(text);
            out.flush();
            return;
        }
        StringBuilder line = new StringBuilder("\r").append(text);
        for (int i = text.length(); i < shownLength; i++) {
            line.append(' ');
        }
        if (permanent) {
            out.print(line.append('\n'));
            shownLength = 0;
        } else {
            out.print(line);
            shownLength = text.length();
        }
        out.flush();
    }
}
