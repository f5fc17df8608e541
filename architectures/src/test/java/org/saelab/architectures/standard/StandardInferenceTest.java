package org.saelab.architectures.standard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.saelab.api.Inference;
import org.saelab.architectures.ArchitectureFixtures;

/** Inference of the ReLU SAE: with no k every positive activation fires. */
class StandardInferenceTest {
    private static final int INPUT_DIM = 12;
    private static final int WIDTH = 8;
    private static final int ROWS = 50;

    private static StandardSae sae() {
        return ArchitectureFixtures.perturbed(new StandardSae(INPUT_DIM, new StandardConfig(WIDTH)), 21, 1);
    }

    @Test
    void itHasNoK() {
        assertTrue(Double.isNaN(sae().k()));
    }

    @Test
    void topKModeWithoutAKKeepsEveryPositiveActivation() {
        StandardSae sae = sae();
        float[] x = ArchitectureFixtures.gaussian(ROWS * INPUT_DIM, 22, 1);
        float[] relu = ArchitectureFixtures.relu(sae, x, ROWS);
        long positives = IntStream.range(0, relu.length).filter(e -> relu[e] > 0).count();
        assertTrue(positives > 50 && positives < relu.length, "a mix of active and inactive: " + positives);
        float[] out = new float[ROWS * WIDTH];
        sae.infer(x, ROWS, Inference.TOPK, sae.k(), out);
        assertArrayEquals(relu, out, 0f);
    }

    @Test
    void anExplicitEvaluationKCutsTheBatchToTheLargestActivations() {
        StandardSae sae = sae();
        float[] x = ArchitectureFixtures.gaussian(ROWS * INPUT_DIM, 22, 1);
        float[] out = new float[ROWS * WIDTH];
        sae.infer(x, ROWS, Inference.TOPK, 1.5, out);
        assertEquals(75, IntStream.range(0, out.length).filter(e -> out[e] != 0f).count(), "⌊1.5 · 50⌋");
    }
}
