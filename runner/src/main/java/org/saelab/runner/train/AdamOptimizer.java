package org.saelab.runner.train;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
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
 *
 * <p>The updater's own native op ({@code adam_updater}) runs through one op context built
 * once, with only the step's ε and iteration set per step: {@link GradientUpdater#applyUpdater}
 * builds a new op, a reshaped view and a new context every call, which at the post's 2,070
 * parameters cost about ten times the update itself ({@code -Dsaelab.adam=updater} restores
 * that path, for comparison).
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
    private final double learningRate;
    private final double beta1;
    private final OpExecutioner executioner;
    private final org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater op;
    private final OpContext context;
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
        this.learningRate = learningRate;
        this.beta1 = beta1;
        if ("updater".equals(System.getProperty("saelab.adam"))) {
            executioner = null;
            op = null;
            context = null;
        } else {
            INDArray m = updater.getState().get("M");
            INDArray v = updater.getState().get("V");
            // the op wants the gradient in the state's shape: a view of the same buffer
            INDArray gradientView = gradient.reshape(v.shape());
            executioner = Nd4j.getExecutioner();
            op = new org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater(gradientView, v, m, learningRate, beta1, beta2,
                    epsilon, 0);
            context = executioner.buildContext();
            context.setInputArrays(gradientView, v, m);
            context.setOutputArrays(gradientView, v, m);
            context.markInplace(true);
        }
    }

    /** params −= Adam update for {@code grads}. */
    public void step(float[] params, float[] grads) {
        gradientBuffer.put(0, grads, 0, grads.length);
        double stepEpsilon = epsilon * Math.sqrt(1 - Math.pow(beta2, iteration + 1));
        if (context == null) {
            config.setEpsilon(stepEpsilon);
            updater.applyUpdater(gradient, iteration, 0);
        } else {
            context.setTArguments(learningRate, beta1, beta2, stepEpsilon);
            context.setIArguments(iteration);
            executioner.exec(op, context);
        }
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
