package org.saelab.api;

import java.util.List;

/**
 * The loss curve in brief: first, last, minimum, the mean of the last 1% of steps, and up to
 * 200 evenly spaced (step, loss) points, each the mean loss since the previous point.
 */
public record LossSummary(double first, double last, double min, double finalMean, List<double[]> curve) {
    public LossSummary {
        curve = List.copyOf(curve);
    }
}
