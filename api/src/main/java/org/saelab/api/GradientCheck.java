package org.saelab.api;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Finite-difference check of an SAE's and its loss terms' hand-written backward pass: compares
 * the analytic gradient of every checked parameter with (L(θ + h) − L(θ − h)) / 2h. Coordinates
 * where the perturbation changes which latents are selected (in the main code or in any term's
 * own selection) are not differentiable there and are skipped (and counted). Works in float32 like training, so use h around 1e-3 and a
 * relative tolerance around 1e-2.
 */
public final class GradientCheck {
    /**
     * Errors are relative to max(|numeric| + |analytic|, this): float32 forward passes leave
     * about 1e-5 of absolute noise in central differences, which must not fail tiny gradients.
     */
    private static final double ABSOLUTE_FLOOR = 1e-2;

    private GradientCheck() {}

    /** Outcome: how many coordinates were compared, skipped, and the worst relative error. */
    public record Result(int checked, int skipped, double worstRelativeError, int worstIndex, double worstAnalytic,
            double worstNumeric) {}

    /**
     * @param state a state whose batch, k and firing statistics are already set
     * @param coordinates how many randomly chosen parameters to check (all if larger than the count)
     */
    public static Result run(Sae sae, List<LossTerm> terms, TrainingState state, double h, int coordinates, long seed) {
        int total = sae.parameters().data().length;
        SplittableRandom random = new SplittableRandom(seed);
        int[] indices = new int[Math.min(coordinates, total)];
        for (int c = 0; c < indices.length; c++) {
            indices[c] = coordinates >= total ? c : random.nextInt(total);
        }
        return check(sae, terms, state, h, indices);
    }

    /** Checks every parameter index in [from, to), e.g. one tensor of {@link SaeParameters}. */
    public static Result range(Sae sae, List<LossTerm> terms, TrainingState state, double h, int from, int to) {
        int[] indices = new int[to - from];
        for (int c = 0; c < indices.length; c++) {
            indices[c] = from + c;
        }
        return check(sae, terms, state, h, indices);
    }

    private static Result check(Sae sae, List<LossTerm> terms, TrainingState state, double h, int[] indices) {
        float[] params = sae.parameters().data();
        double base = TrainingStep.forwardBackward(sae, terms, state);
        float[] analytic = state.grads.clone();
        SparseCode reference = copy(state.main);
        boolean[] referencePattern = nonZero(state.gradPre);
        int checked = 0;
        int skipped = 0;
        double worst = 0;
        int worstIndex = -1;
        double worstAnalytic = 0;
        double worstNumeric = 0;
        for (int index : indices) {
            float original = params[index];
            params[index] = (float) (original + h);
            double plus = TrainingStep.forwardBackward(sae, terms, state);
            boolean samePlus = sameSelection(reference, state.main) && samePattern(referencePattern, state.gradPre);
            params[index] = (float) (original - h);
            double minus = TrainingStep.forwardBackward(sae, terms, state);
            boolean sameMinus = sameSelection(reference, state.main) && samePattern(referencePattern, state.gradPre);
            double step = (double) (float) (original + h) - (double) (float) (original - h);
            params[index] = original;
            double numeric = (plus - minus) / step;
            // a kink inside [θ − h, θ + h] (a selection change in any term) shows as one-sided
            // slopes that disagree; the function is not differentiable there
            double left = (base - minus) / (step / 2);
            double right = (plus - base) / (step / 2);
            boolean kink = Math.abs(left - right) > 0.05 * (Math.abs(left) + Math.abs(right)) + 1e-3;
            if (!samePlus || !sameMinus || kink) {
                skipped++;
                continue;
            }
            double error = Math.abs(numeric - analytic[index]) / Math.max(ABSOLUTE_FLOOR, Math.abs(numeric) + Math.abs(analytic[index]));
            checked++;
            if (error > worst) {
                worst = error;
                worstIndex = index;
                worstAnalytic = analytic[index];
                worstNumeric = numeric;
            }
        }
        TrainingStep.forwardBackward(sae, terms, state);
        return new Result(checked, skipped, worst, worstIndex, worstAnalytic, worstNumeric);
    }

    /**
     * Which pre-activations receive gradient: a change in any term's own selection (a multi-L0
     * k, the AuxK latents) changes this pattern even when the main code stays the same.
     */
    private static boolean[] nonZero(float[] gradPre) {
        boolean[] out = new boolean[gradPre.length];
        for (int i = 0; i < gradPre.length; i++) {
            out[i] = gradPre[i] != 0f;
        }
        return out;
    }

    private static boolean samePattern(boolean[] reference, float[] gradPre) {
        for (int i = 0; i < gradPre.length; i++) {
            if (reference[i] != (gradPre[i] != 0f)) {
                return false;
            }
        }
        return true;
    }

    private static SparseCode copy(SparseCode code) {
        SparseCode out = new SparseCode(code.capacity());
        for (int e = 0; e < code.count(); e++) {
            out.add(code.rows[e], code.latents[e], code.values[e]);
        }
        return out;
    }

    private static boolean sameSelection(SparseCode a, SparseCode b) {
        if (a.count() != b.count()) {
            return false;
        }
        for (int e = 0; e < a.count(); e++) {
            if (a.rows[e] != b.rows[e] || a.latents[e] != b.latents[e]) {
                return false;
            }
        }
        return true;
    }
}
