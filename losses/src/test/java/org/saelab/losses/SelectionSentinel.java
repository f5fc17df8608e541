package org.saelab.losses;

import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.saelab.api.LossTerm;
import org.saelab.api.Sae;
import org.saelab.api.SparseCode;
import org.saelab.api.TrainingState;

/**
 * A zero loss term that makes GradientCheck skip coordinates where a selection other than the
 * main code changes (a term's own k, the aux latents). GradientCheck skips a coordinate when the
 * main code changes and otherwise relies on a kink heuristic (one-sided slopes differing by 5 %),
 * which misses small kinks: a perturbation that swaps one entry of a k = 4 code then fails the
 * check although the gradient is right. The sentinel compares a fingerprint of the selection
 * with the one at the unperturbed parameters and, when it differs, appends an entry to the main
 * code after the reconstruction was made, which GradientCheck sees as a selection change.
 */
final class SelectionSentinel implements LossTerm {
    private final Function<TrainingState, String> fingerprint;
    private final String reference;

    private SelectionSentinel(Function<TrainingState, String> fingerprint, String reference) {
        this.fingerprint = fingerprint;
        this.reference = reference;
    }

    /** {@code state} must hold the encoding of the unperturbed parameters. */
    static SelectionSentinel of(TrainingState state, Function<TrainingState, String> fingerprint) {
        return new SelectionSentinel(fingerprint, fingerprint.apply(state));
    }

    /** The entries the SAE selects at each of {@code ks}. */
    static Function<TrainingState, String> selectionsAt(Sae sae, double... ks) {
        return s -> {
            StringBuilder out = new StringBuilder();
            for (double k : ks) {
                SparseCode code = new SparseCode(s.batchSize * s.width);
                sae.select(s, k, code);
                for (int e = 0; e < code.count(); e++) {
                    out.append(code.rows[e]).append(':').append(code.latents[e]).append(' ');
                }
                out.append('|');
            }
            return out.toString();
        };
    }

    /** Per sample, the set of the {@code keep} largest pre-activations among latents [from, width). */
    static Function<TrainingState, String> largestAmong(int from, int keep) {
        return s -> {
            StringBuilder out = new StringBuilder();
            for (int b = 0; b < s.batchSize; b++) {
                int row = b * s.width;
                IntStream.range(from, s.width).boxed()
                        .sorted(Comparator.comparingDouble((Integer j) -> -s.pre[row + j]))
                        .limit(keep)
                        .sorted()
                        .forEach(j -> out.append(j).append(' '));
                out.append('|');
            }
            return out.toString();
        };
    }

    @Override
    public double apply(TrainingState state, Sae sae) {
        if (!fingerprint.apply(state).equals(reference)) {
            state.main.add(0, 0, 0f);
        }
        return 0;
    }
}
