package org.saelab.metrics;

import org.saelab.api.EvaluationContext;

/** Metrics over the latent × feature cosine matrix. */
final class Matching {
    private Matching() {}

    static double[] maxCosPerFeature(double[][] cos, int numFeatures) {
        double[] max = new double[numFeatures];
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (double[] latent : cos) {
            for (int f = 0; f < numFeatures; f++) {
                max[f] = Math.max(max[f], latent[f]);
            }
        }
        return max;
    }

    static int recovered(EvaluationContext c) {
        double threshold = c.config().recoveryThreshold();
        int count = 0;
        for (double m : maxCosPerFeature(c.decoderCos(), c.numFeatures())) {
            if (m >= threshold) {
                count++;
            }
        }
        return count;
    }

    static double mcc(double[][] cos) {
        if (cos.length == 0 || cos[0].length == 0) {
            return Double.NaN;
        }
        double[][] absolute = new double[cos.length][];
        for (int j = 0; j < cos.length; j++) {
            absolute[j] = new double[cos[j].length];
            for (int f = 0; f < cos[j].length; f++) {
                absolute[j][f] = Math.abs(cos[j][f]);
            }
        }
        int[] match = Hungarian.maximise(absolute);
        double sum = 0;
        int pairs = 0;
        for (int j = 0; j < match.length; j++) {
            if (match[j] >= 0) {
                sum += absolute[j][match[j]];
                pairs++;
            }
        }
        return sum / pairs;
    }

    static int bestFeature(double[] latent) {
        int best = 0;
        for (int f = 1; f < latent.length; f++) {
            if (latent[f] > latent[best]) {
                best = f;
            }
        }
        return best;
    }

    static int hedgingFeature(EvaluationContext c) {
        int p = c.config().hedgingFeature();
        if (p >= c.numFeatures()) {
            throw new IllegalArgumentException("evaluation.hedgingFeature = " + p + ": must be < the number of features ("
                    + c.numFeatures() + ")");
        }
        return p;
    }

    static double hedging(EvaluationContext c) {
        int p = hedgingFeature(c);
        double sum = 0;
        int count = 0;
        for (double[] latent : c.decoderCos()) {
            if (bestFeature(latent) != p) {
                sum += latent[p];
                count++;
            }
        }
        return count == 0 ? 0 : sum / count;
    }

    static double[] hedgingPerLatent(EvaluationContext c) {
        int p = hedgingFeature(c);
        double[][] cos = c.decoderCos();
        double[] out = new double[cos.length];
        for (int j = 0; j < cos.length; j++) {
            out[j] = cos[j][p];
        }
        return out;
    }

    static double decoderPairwiseCos(EvaluationContext c) {
        int width = c.width();
        int d = c.inputDim();
        float[] w = c.decoder();
        if (width < 2) {
            return 0;
        }
        double[] norms = new double[width];
        for (int j = 0; j < width; j++) {
            double s = 0;
            for (int i = 0; i < d; i++) {
                s += (double) w[j * d + i] * w[j * d + i];
            }
            norms[j] = Math.sqrt(s);
        }
        double sum = 0;
        long pairs = 0;
        for (int a = 0; a < width; a++) {
            for (int b = a + 1; b < width; b++) {
                double dot = 0;
                for (int i = 0; i < d; i++) {
                    dot += (double) w[a * d + i] * w[b * d + i];
                }
                double denominator = norms[a] * norms[b];
                sum += denominator == 0 ? 0 : Math.abs(dot / denominator);
                pairs++;
            }
        }
        return sum / pairs;
    }
}
