package org.saelab.metrics;

import org.saelab.api.EvaluationContext;

/** Reconstruction quality on the evaluation batch, accumulated in double. */
final class Reconstruction {
    private Reconstruction() {}

    static double mse(EvaluationContext c) {
        float[] x = c.inputs();
        float[] r = c.reconstructions();
        double sum = 0;
        int n = c.samples() * c.inputDim();
        for (int e = 0; e < n; e++) {
            double d = (double) r[e] - x[e];
            sum += d * d;
        }
        return sum / c.samples();
    }

    static double varianceExplained(EvaluationContext c) {
        int d = c.inputDim();
        float[] x = c.inputs();
        double[] mean = new double[d];
        for (int b = 0; b < c.samples(); b++) {
            for (int i = 0; i < d; i++) {
                mean[i] += x[b * d + i];
            }
        }
        for (int i = 0; i < d; i++) {
            mean[i] /= c.samples();
        }
        double total = 0;
        for (int b = 0; b < c.samples(); b++) {
            for (int i = 0; i < d; i++) {
                double v = x[b * d + i] - mean[i];
                total += v * v;
            }
        }
        return 1 - mse(c) * c.samples() / total;
    }

    static double shrinkage(EvaluationContext c) {
        int d = c.inputDim();
        float[] x = c.inputs();
        float[] r = c.reconstructions();
        double sum = 0;
        int counted = 0;
        for (int b = 0; b < c.samples(); b++) {
            double xx = 0;
            double rr = 0;
            for (int i = 0; i < d; i++) {
                xx += (double) x[b * d + i] * x[b * d + i];
                rr += (double) r[b * d + i] * r[b * d + i];
            }
            if (xx > 0) {
                sum += Math.sqrt(rr / xx);
                counted++;
            }
        }
        return counted == 0 ? Double.NaN : sum / counted;
    }
}
