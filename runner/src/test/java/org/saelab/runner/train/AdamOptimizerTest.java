package org.saelab.runner.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The reusable-context call of ND4J's Adam op gives exactly the updater's own results. */
class AdamOptimizerTest {
    @Test
    void contextPathMatchesTheUpdaterOverManySteps() {
        int n = 2070;
        AdamOptimizer fast = AdamHandPathTest.create("context", n, 3e-4, 0.9, 0.999, 1e-8);
        AdamOptimizer reference = AdamHandPathTest.create("updater", n, 3e-4, 0.9, 0.999, 1e-8);
        float[] a = new float[n];
        float[] b = new float[n];
        SplittableRandom random = new SplittableRandom(3);
        float[] grads = new float[n];
        for (int step = 0; step < 25; step++) {
            for (int i = 0; i < n; i++) {
                grads[i] = (float) random.nextGaussian() * 1e-2f;
            }
            fast.step(a, grads);
            reference.step(b, grads);
            assertArrayEquals(b, a, "parameters after step " + (step + 1));
        }
        assertArrayEquals(reference.moments(), fast.moments());
    }
}
