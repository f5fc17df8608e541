package org.saelab.losses;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.saelab.api.GradientCheck;
import org.saelab.api.LinearSae;
import org.saelab.api.LossTerm;
import org.saelab.api.SparseCode;
import org.saelab.api.TrainingState;
import org.saelab.api.TrainingStep;
import org.saelab.losses.auxk.AuxKConfig;
import org.saelab.losses.auxk.AuxKTerm;
import org.saelab.losses.mse.MseConfig;
import org.saelab.losses.mse.MseTerm;

class ScratchLossExploreTest {
    static TrainingState st(int dead, long seed) {
        TrainingState state = TestSaes.state(dead);
        SplittableRandom random = new SplittableRandom(seed);
        for (int e = 0; e < state.batch.inputs.length; e++) state.batch.inputs[e] = (float) (0.5 * random.nextGaussian());
        return state;
    }

    @Test
    void explore() {
        for (double h : new double[] {3e-4, 5e-4, 7e-4, 1e-3}) {
            for (long seed = 1; seed <= 8; seed++) {
                LinearSae sae = TestSaes.perturbed(new TestSaes.BatchTopK(), seed);
                GradientCheck.Result r = GradientCheck.run(sae, List.of(new MseTerm(new MseConfig(1, 2.0, null)), new MseTerm(new MseConfig(0.5, 4.0, null))), st(0, seed + 50), h, Integer.MAX_VALUE, 0);
                System.out.printf("multi h=%.0e seed=%d checked=%d worst=%.2e%n", h, seed, r.checked(), r.worstRelativeError());
                for (int dead : new int[] {3, 8}) {
                    sae = TestSaes.perturbed(new TestSaes.BatchTopK(), seed);
                    TrainingState s = st(dead, seed + 50);
                    TrainingStep.forwardBackward(sae, List.of(), s);
                    float[] frozen = s.reconstruction.clone();
                    AuxKTerm aux = new AuxKTerm(AuxKConfig.defaults());
                    LossTerm f = (x, m) -> { System.arraycopy(frozen, 0, x.reconstruction, 0, frozen.length); return aux.apply(x, m); };
                    r = GradientCheck.run(sae, List.of(new MseTerm(MseConfig.defaults()), f), s, h, Integer.MAX_VALUE, 0);
                    System.out.printf("aux%d h=%.0e seed=%d checked=%d worst=%.2e%n", dead, h, seed, r.checked(), r.worstRelativeError());
                }
            }
        }
    }

    /** Does the h=1e-3 multi-k failure straddle a selection change of the k=2 or k=4 code? */
    @Test
    void kinkMiss() {
        LinearSae sae = TestSaes.batchTopK();
        TrainingState s = TestSaes.state(0);
        List<LossTerm> terms = List.of(new MseTerm(new MseConfig(1, 2.0, null)), new MseTerm(new MseConfig(0.5, 4.0, null)));
        GradientCheck.Result r = GradientCheck.run(sae, terms, s, 1e-3, Integer.MAX_VALUE, 0);
        int idx = r.worstIndex();
        float[] p = sae.parameters().data();
        float orig = p[idx];
        for (double delta : new double[] {-1e-3, 0, 1e-3}) {
            p[idx] = (float) (orig + delta);
            double loss = TrainingStep.forwardBackward(sae, terms, s);
            StringBuilder sb = new StringBuilder();
            for (double k : new double[] {2, 3, 4}) {
                SparseCode c = new SparseCode(s.main.capacity());
                sae.select(s, k, c);
                long h = 0;
                for (int e = 0; e < c.count(); e++) h = h * 31 + c.rows[e] * 100 + c.latents[e];
                sb.append(" k").append(k).append(":").append(Long.toHexString(h));
            }
            System.out.printf("KINK idx=%d delta=%.0e loss=%.9f%s%n", idx, delta, loss, sb);
        }
        p[idx] = orig;
        System.out.println("KINK result " + r);
    }
}
