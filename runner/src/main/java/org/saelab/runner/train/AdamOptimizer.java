package org.saelab.runner.train;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;

/**
 * ND4J's Adam updater over the SAE's flat parameter vector. The gradient is copied into one
 * preallocated off-heap array, ND4J turns it into the update in place, and the update is
 * subtracted from the Java-side parameters: no per-step arrays on our side.
 *
 * <p>ND4J adds ε to √v before bias correction, PyTorch (and so SAELens) to √v̂ after it. The
 * two agree exactly when ND4J is given ε·√(1 − β2^t) at step t, which this class does, so a
 * step matches SAELens's to float precision.
 */
public final class AdamOptimizer {
    private final INDArray gradient;
    private final INDArray state;
    private final FloatBuffer gradientBuffer;
    private final FloatBuffer stateBuffer;
    private final GradientUpdater<?> updater;
    private final Adam config;
    private final double epsilon;
    private final double beta2;
    private final float[] update;
    private int iteration;

    public AdamOptimizer(int parameterCount, double learningRate, double beta1, double beta2, double epsilon) {
        gradient = Nd4j.create(DataType.FLOAT, 1, parameterCount);
        state = Nd4j.create(DataType.FLOAT, 1, 2L * parameterCount);
        config = new Adam(learningRate, beta1, beta2, epsilon);
        updater = config.instantiate(state, true);
        this.epsilon = epsilon;
        this.beta2 = beta2;
        gradientBuffer = gradient.data().asNioFloat();
        stateBuffer = state.data().asNioFloat();
        update = new float[parameterCount];
    }

    /** params −= Adam update for {@code grads}. */
    public void step(float[] params, float[] grads) {
        gradientBuffer.put(0, grads, 0, grads.length);
        config.setEpsilon(epsilon * Math.sqrt(1 - Math.pow(beta2, iteration + 1)));
        updater.applyUpdater(gradient, iteration, 0);
        iteration++;
        gradientBuffer.get(0, update, 0, update.length);
        for (int i = 0; i < update.length; i++) {
            params[i] -= update[i];
        }
    }

    public int iteration() {
        return iteration;
    }

    /** Adam's first and second moments, [2 × parameterCount] flattened (for checkpoints). */
    public float[] moments() {
        float[] out = new float[update.length * 2];
        stateBuffer.get(0, out, 0, out.length);
        return out;
    }

    public void restore(float[] moments, int restoredIteration) {
        stateBuffer.put(0, moments, 0, moments.length);
        iteration = restoredIteration;
    }
}
