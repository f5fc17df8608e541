package org.saelab.runner.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.saelab.api.Sae;
import org.saelab.api.TrainingListener;
import org.saelab.api.TrainingState;

/**
 * Reports training progress. On a terminal one line is rewritten in place with '\r'; elsewhere
 * (logs, CI) a plain line is printed every ten seconds, because '\r' turns a log file into one
 * enormous line. Steps that do not render only add up the loss and read the clock once: the
 * listener runs on the training thread, so it must not allocate or format on every step.
 */
public final class ProgressBar implements TrainingListener {
    // 10 redraws a second look smooth; more would cost terminal time for nothing.
    private static final long INTERACTIVE_INTERVAL_NANOS = 100_000_000L;
    private static final long PLAIN_INTERVAL_NANOS = 10_000_000_000L;
    private static final int BAR_WIDTH = 20;
    private static final String[] UNITS = {"", "k", "M", "G", "T"};

    private final String label;
    private final PrintStream out;
    private final boolean interactive;
    private final LongSupplier clock;
    private final long intervalNanos;

    private long totalSteps;
    private int batchSize;
    private long startNanos;
    private long lastRenderNanos;
    private double lossSinceRender;
    private long stepsSinceRender;
    /** Length of the line on screen, so a shorter redraw can blank the leftover characters. */
    private int shownLength;

    /**
     * @param interactive whether {@code out} is a terminal (the CLI passes
     *     {@code System.console() != null})
     * @param clock nanoseconds, e.g. {@code System::nanoTime}; a parameter so tests can drive time
     */
    public ProgressBar(String label, PrintStream out, boolean interactive, LongSupplier clock) {
        this.label = requireNonNull(label, "label is null");
        this.out = requireNonNull(out, "out is null");
        this.interactive = interactive;
        this.clock = requireNonNull(clock, "clock is null");
        this.intervalNanos = interactive ? INTERACTIVE_INTERVAL_NANOS : PLAIN_INTERVAL_NANOS;
    }

    @Override
    public void onStart(long totalSteps, int batchSize) {
        if (totalSteps < 0) {
            throw new IllegalArgumentException("totalSteps is negative: " + totalSteps);
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive: " + batchSize);
        }
        this.totalSteps = totalSteps;
        this.batchSize = batchSize;
        startNanos = clock.getAsLong();
        lastRenderNanos = startNanos;
        lossSinceRender = 0;
        stepsSinceRender = 0;
        shownLength = 0;
    }

    @Override
    public void onStep(long step, double loss, TrainingState state, Sae sae) {
        lossSinceRender += loss;
        stepsSinceRender++;
        long now = clock.getAsLong();
        if (step >= totalSteps || now - lastRenderNanos >= intervalNanos) {
            render(step, now);
        }
    }

    @Override
    public void onFinish(long steps) {
        long elapsed = clock.getAsLong() - startNanos;
        long samples = steps * batchSize;
        StringBuilder line = new StringBuilder();
        if (shownLength > 0) {
            // End the bar line so the summary does not overwrite the final 100% state.
            line.append('\n');
            shownLength = 0;
        }
        line.append(label)
                .append(" done: ")
                .append(steps)
                .append(" steps, ")
                .append(formatCount(samples))
                .append(" samples in ")
                .append(formatElapsed(elapsed))
                .append(", ")
                .append(formatRate(samples, elapsed))
                .append(" samples/s\n");
        out.print(line);
        out.flush();
    }

    private void render(long step, long now) {
        long elapsed = now - startNanos;
        long shownStep = Math.min(step, totalSteps);
        int percent = totalSteps == 0 ? 100 : (int) (shownStep * 100 / totalSteps);
        long samples = step * batchSize;
        StringBuilder line = new StringBuilder(96);
        line.append(label).append(' ');
        if (interactive) {
            int filled = totalSteps == 0 ? BAR_WIDTH : (int) (shownStep * BAR_WIDTH / totalSteps);
            line.append('[').append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("] ");
        }
        line.append(percent).append('%');
        if (!interactive) {
            // A log has room for the step, which is what one greps for when comparing runs.
            line.append("  step ").append(step).append('/').append(totalSteps);
        }
        line.append("  ")
                .append(formatCount(samples))
                .append('/')
                .append(formatCount(totalSteps * batchSize))
                .append(" samples  ")
                .append(formatRate(samples, elapsed))
                .append(" samples/s  loss ")
                .append(String.format(Locale.ROOT, "%.3g", lossSinceRender / stepsSinceRender))
                .append("  ETA ")
                .append(step > 0 ? formatDuration(eta(step, elapsed)) : "?");

        if (interactive) {
            int length = line.length();
            for (int i = length; i < shownLength; i++) {
                line.append(' ');
            }
            shownLength = length;
            out.print('\r');
            out.print(line);
        } else {
            out.print(line.append('\n'));
        }
        out.flush();
        lastRenderNanos = now;
        lossSinceRender = 0;
        stepsSinceRender = 0;
    }

    /** Remaining time at the mean pace since the start, in nanoseconds. */
    private long eta(long step, long elapsed) {
        long remaining = Math.max(0, totalSteps - step);
        return (long) (elapsed / (double) step * remaining);
    }

    static String formatCount(double count) {
        double value = count;
        int unit = 0;
        // 999.95 rather than 1000 so rounding never shows "1000.0k" instead of "1.0M".
        while (Math.abs(value) >= 999.95 && unit < UNITS.length - 1) {
            value /= 1000;
            unit++;
        }
        return unit == 0
                ? String.format(Locale.ROOT, "%.0f", value)
                : String.format(Locale.ROOT, "%.1f%s", value, UNITS[unit]);
    }

    private static String formatRate(long samples, long elapsedNanos) {
        return elapsedNanos > 0 ? formatCount(samples / (elapsedNanos / 1e9)) : "?";
    }

    /** Whole seconds, minutes or hours: an ETA does not deserve more precision. */
    static String formatDuration(long nanos) {
        long seconds = Math.round(nanos / 1e9);
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }

    /** The total time of a run: tenths of a second matter for short runs. */
    private static String formatElapsed(long nanos) {
        return nanos < 60_000_000_000L ? String.format(Locale.ROOT, "%.1fs", nanos / 1e9) : formatDuration(nanos);
    }
}
