package org.saelab.samplers.post20;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.saelab.api.Kernels;

/**
 * x = Σ_k m_k·E[firing[k]] on the Vector API, with the same float operations in the same order as
 * the sampler's plain loops: rows are taken four at a time in ascending order, each group summed
 * as ((m_0·E_0 + m_1·E_1) + m_2·E_2) + m_3·E_3 (a multiply and an add each, never fused), and the
 * groups added to the first one by one. The plain loops pad the last group with zero rows scaled by
 * 0; each such term adds +0, and adding +0 once or several times gives the same float, so a group
 * of r &lt; 4 rows here is its r terms plus one +0.
 *
 * <p>Loaded only when {@link Kernels#VECTORISED}. The species has {@link Kernels#lanes()} lanes,
 * the same as the training kernels: a JVM that mixes vector shapes in one hot path falls back to
 * slow, allocating code.
 */
final class SimdRowSums {
    private static final VectorSpecies<Float> SPECIES =
            VectorSpecies.of(float.class, VectorShape.forBitSize(Kernels.lanes() * Float.SIZE));
    private static final int LANES = SPECIES.length();
    private static final int GROUP = 4;

    private final int inputDim;
    /** Row width padded to whole vectors. */
    private final int stride;
    /** E, [numFeatures × stride] row-major, zero beyond inputDim in every row; never written after construction. */
    private final float[] rows;

    SimdRowSums(float[] directions, int numFeatures, int inputDim) {
        this.inputDim = inputDim;
        this.stride = (inputDim + LANES - 1) / LANES * LANES;
        this.rows = new float[Math.multiplyExact(numFeatures, stride)];
        for (int i = 0; i < numFeatures; i++) {
            System.arraycopy(directions, i * inputDim, rows, i * stride, inputDim);
        }
    }

    /** The length of a padded row: the least length of the {@code spare} row of {@link #sum}. */
    int paddedWidth() {
        return stride;
    }

    /**
     * Writes Σ_k scales[k]·E[firing[k]] over k &lt; count (count ≥ 1) to
     * {@code target[offset, offset + inputDim)}. Where the array has room it stores whole padded
     * rows straight into it: the padding lands at the start of the next sample's row, which the
     * caller writes afterwards. Otherwise the sum goes through {@code spare}, the caller's own
     * scratch row of at least {@link #paddedWidth()} floats.
     */
    void sum(int[] firing, float[] scales, int count, float[] target, int offset, float[] spare) {
        if (offset + stride <= target.length) {
            sumInto(firing, scales, count, target, offset);
        } else {
            sumInto(firing, scales, count, spare, 0);
            System.arraycopy(spare, 0, target, offset, inputDim);
        }
    }

    private void sumInto(int[] firing, float[] scales, int count, float[] target, int offset) {
        final float[] rows = this.rows;
        final int stride = this.stride;
        int k = 0;
        for (; k + GROUP <= count; k += GROUP) {
            final int row0 = firing[k] * stride;
            final int row1 = firing[k + 1] * stride;
            final int row2 = firing[k + 2] * stride;
            final int row3 = firing[k + 3] * stride;
            final float scale0 = scales[k];
            final float scale1 = scales[k + 1];
            final float scale2 = scales[k + 2];
            final float scale3 = scales[k + 3];
            if (k == 0) {
                for (int j = 0; j < stride; j += LANES) {
                    FloatVector.fromArray(SPECIES, rows, row0 + j).mul(scale0)
                            .add(FloatVector.fromArray(SPECIES, rows, row1 + j).mul(scale1))
                            .add(FloatVector.fromArray(SPECIES, rows, row2 + j).mul(scale2))
                            .add(FloatVector.fromArray(SPECIES, rows, row3 + j).mul(scale3))
                            .intoArray(target, offset + j);
                }
            } else {
                for (int j = 0; j < stride; j += LANES) {
                    FloatVector group = FloatVector.fromArray(SPECIES, rows, row0 + j).mul(scale0)
                            .add(FloatVector.fromArray(SPECIES, rows, row1 + j).mul(scale1))
                            .add(FloatVector.fromArray(SPECIES, rows, row2 + j).mul(scale2))
                            .add(FloatVector.fromArray(SPECIES, rows, row3 + j).mul(scale3));
                    FloatVector.fromArray(SPECIES, target, offset + j).add(group).intoArray(target, offset + j);
                }
            }
        }
        final int rest = count - k;
        if (rest == 0) {
            return;
        }
        // the last, partial group: its terms, then the +0 of the padding
        final boolean first = k == 0;
        final int row0 = firing[k] * stride;
        final int row1 = rest > 1 ? firing[k + 1] * stride : 0;
        final int row2 = rest > 2 ? firing[k + 2] * stride : 0;
        final float scale0 = scales[k];
        final float scale1 = rest > 1 ? scales[k + 1] : 0f;
        final float scale2 = rest > 2 ? scales[k + 2] : 0f;
        final FloatVector zero = FloatVector.zero(SPECIES);
        for (int j = 0; j < stride; j += LANES) {
            FloatVector group = FloatVector.fromArray(SPECIES, rows, row0 + j).mul(scale0);
            if (rest > 1) {
                group = group.add(FloatVector.fromArray(SPECIES, rows, row1 + j).mul(scale1));
            }
            if (rest > 2) {
                group = group.add(FloatVector.fromArray(SPECIES, rows, row2 + j).mul(scale2));
            }
            group = group.add(zero);
            if (!first) {
                group = FloatVector.fromArray(SPECIES, target, offset + j).add(group);
            }
            group.intoArray(target, offset + j);
        }
    }
}
