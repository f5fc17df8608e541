package org.saelab.runner.output;

import java.util.ArrayList;
import java.util.List;
import org.saelab.api.LossSummary;

/** Summarises a per-step loss array into a {@link LossSummary}. */
public final class LossSummaries {
    private static final int POINTS = 200;

    private LossSummaries() {}

    public static LossSummary summarise(float[] losses) {
        int steps = losses.length;
        if (steps == 0) {
            return new LossSummary(Double.NaN, Double.NaN, Double.NaN, Double.NaN, List.of());
        }
        double min = Double.POSITIVE_INFINITY;
        for (float loss : losses) {
            min = Math.min(min, loss);
        }
        int tail = Math.max(1, steps / 100);
        double tailSum = 0;
        for (int i = steps - tail; i < steps; i++) {
            tailSum += losses[i];
        }
        List<double[]> curve = new ArrayList<>();
        int points = Math.min(POINTS, steps);
        int from = 0;
        for (int p = 1; p <= points; p++) {
            int to = (int) ((long) steps * p / points);
            double sum = 0;
            for (int i = from; i < to; i++) {
                sum += losses[i];
            }
            curve.add(new double[] {to, sum / (to - from)});
            from = to;
        }
        return new LossSummary(losses[0], losses[steps - 1], min, tailSum / tail, curve);
    }
}
