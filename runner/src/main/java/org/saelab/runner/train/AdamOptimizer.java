package org.saelab.runner.train;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.PowPairwise;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Adam over the SAE's flat parameter vector, with ND4J's arithmetic. Three implementations give
 * the same floats, bit for bit; {@code -Dsaelab.adam=hand|context|updater} picks one.
 *
 * <ul>
 *   <li>{@code hand} (the default): ND4J's {@code adam_updater} op rewritten as one loop over
 *       Java arrays (see {@link HandAdam}): no native call per step, no copies, nothing
 *       allocated.
 *   <li>{@code context}: the native op through one op context built once, with only the step's ε
 *       and iteration set per step. The gradient is copied into a preallocated off-heap array,
 *       ND4J turns it into the update in place and the update is copied back and subtracted.
 *   <li>{@code updater}: {@link GradientUpdater#applyUpdater}, which builds a new op, a reshaped
 *       view and a new context every call.
 * </ul>
 *
 * <p>ND4J adds ε to √v before bias correction, PyTorch (and so SAELens) to √v̂ after it. The
 * two agree exactly when ND4J is given ε·√(1 − β2^t) at step t, which every path does, so a step
 * matches SAELens's to float precision.
 *
 * <p>The default is {@code hand} whatever the parameter count, because no size we measured has
 * a crossover. {@code AdamBenchmark}, one JMH run (2-core machine shared with other work,
 * OMP_NUM_THREADS=1, the default linux-x86_64 ND4J build), time and bytes allocated per step:
 *
 * <pre>
 *   parameters                     hand               context             updater
 *   2,070 (post, 50 × 20)          0.41 µs    0.5 B   21.2 µs   1,104 B   61 µs    6,842 B
 *   131,712 (128 × 512)            29.5 µs    0.9 B   833 µs    1,110 B   1.15 ms  6,959 B
 *   4,198,400 (large, 512 × 4096)  1.63 ms    10 B    30.1 ms   1,494 B   29.0 ms  8,135 B
 * </pre>
 *
 * At the post's shape the native paths are almost all call overhead. At the large shape the
 * native op itself is slow on one thread (and no faster with two) and its path also copies the
 * gradient in and the update out, while the hand loop, vectorised by C2, streams each array once
 * (with {@code -XX:-UseSuperWord} it takes 4.7 µs and 9.9 ms). The bytes of the hand path are
 * its pow op, once every {@value HandAdam#CHUNK} steps, and JMH's own. With the AVX2 build
 * (another run): hand 0.39 µs and 2.96 ms, context 27.0 µs and 14.2 ms.
 */
public final class AdamOptimizer {
    /** The implementations {@code -Dsaelab.adam} chooses from. */
    enum Path {
        HAND, CONTEXT, UPDATER;

        static Path choose() {
            String name = System.getProperty("saelab.adam");
            if (name == null || name.isEmpty()) {
                return HAND;
            }
            try {
                return valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("-Dsaelab.adam=" + name + ": expected hand, context or updater");
            }
        }
    }

    private final Path path;
    private final int parameterCount;
    private final double epsilon;
    private final double beta2;
    private final HandAdam hand;
    private final NativeAdam nativeAdam;
    private int iteration;

    public AdamOptimizer(int parameterCount, double learningRate, double beta1, double beta2, double epsilon) {
        if (parameterCount < 1) {
            throw new IllegalArgumentException("parameterCount = " + parameterCount + ": must be at least 1");
        }
        this.parameterCount = parameterCount;
        this.epsilon = epsilon;
        this.beta2 = beta2;
        path = Path.choose();
        if (path == Path.HAND) {
            hand = new HandAdam(parameterCount, learningRate, beta1, beta2);
            nativeAdam = null;
        } else {
            hand = null;
            nativeAdam = new NativeAdam(parameterCount, learningRate, beta1, beta2, epsilon, path == Path.CONTEXT);
        }
    }

    /** params −= Adam update for {@code grads}. */
    public void step(float[] params, float[] grads) {
        double stepEpsilon = epsilon * Math.sqrt(1 - Math.pow(beta2, iteration + 1));
        if (hand != null) {
            hand.step(params, grads, iteration, stepEpsilon);
        } else {
            nativeAdam.step(params, grads, iteration, stepEpsilon);
        }
        iteration++;
    }

    public int iteration() {
        return iteration;
    }

    /** The implementation in use. */
    Path path() {
        return path;
    }

    /**
     * Adam's first and second moments, [2 × parameterCount] flattened (for checkpoints): M
     * then V, the layout of ND4J's Adam state array, whichever path runs.
     */
    public float[] moments() {
        float[] out = new float[2 * parameterCount];
        if (hand != null) {
            System.arraycopy(hand.m, 0, out, 0, parameterCount);
            System.arraycopy(hand.v, 0, out, parameterCount, parameterCount);
        } else {
            nativeAdam.stateBuffer.get(0, out, 0, out.length);
        }
        return out;
    }

    public void restore(float[] moments, int restoredIteration) {
        if (restoredIteration < 0) {
            throw new IllegalArgumentException("iteration = " + restoredIteration + ": must not be negative");
        }
        if (moments.length != 2 * parameterCount) {
            throw new IllegalArgumentException("moments hold " + moments.length + " floats, expected 2 × "
                    + parameterCount);
        }
        if (hand != null) {
            System.arraycopy(moments, 0, hand.m, 0, parameterCount);
            System.arraycopy(moments, parameterCount, hand.v, 0, parameterCount);
        } else {
            nativeAdam.stateBuffer.put(0, moments, 0, moments.length);
        }
        iteration = restoredIteration;
    }

    /**
     * libnd4j's {@code adamUpdater_} (ops/declarable/helpers/cpu/updaterAdam.cpp, 1.0.0-M2.1)
     * for T = float, operation for operation. Its arguments arrive as doubles and are cast to
     * float; β^t is {@code powf(β, (float) iteration + 1)}; the step size
     * {@code lr · sqrtf((float) (1.0 − β2^t)) / (1.0 − β1^t)} multiplies in float and divides
     * in double (the literal 1.0 promotes it), then rounds to float; a NaN, zero or infinite step
     * size falls back to ε. Per element, in float:
     * {@code m = β1·m + g·(1 − β1)}, {@code v = β2·v + g·g·(1 − β2)},
     * {@code update = (m·stepSize) / (sqrtf(v) + ε)}, and the update is subtracted from the
     * parameter as the native paths do.
     *
     * <p>Java never contracts a·b + c into one fused multiply-add; the default (generic x86-64)
     * libnd4j build has no FMA instructions, so the loop above rounds where the op does. ND4J's
     * AVX2 and AVX-512 builds let the compiler fuse the moment updates, measured to be
     * {@code m = fma(β1, m, g·(1 − β1))} and {@code v = fma(β2, v, (g·g)·(1 − β2))}; with one of
     * those loaded ({@code binaryLevel() >= 2}) the loop calls {@link Math#fma} there.
     * {@code (float) Math.sqrt} of a float is the correctly rounded square root, as
     * {@code sqrtf} is. glibc's {@code powf} is not correctly rounded: a correctly rounded pow
     * differs from it for 2,075 of the 103,921 non-zero powers 0.999^t (glibc 2.36), and with
     * the default hyperparameters one of them (t = 3,606) changes the step size. So β1^t and
     * β2^t come from ND4J's own pow op, which calls the same {@code powf}, for
     * {@value #CHUNK} iterations per native call. C2 vectorises both loops.
     */
    static final class HandAdam {
        static final int CHUNK = 1024;
        final float[] m;
        final float[] v;
        private final float learningRate;
        private final float beta1;
        private final float beta2;
        private final float oneMinusBeta1;
        private final float oneMinusBeta2;
        /** [β1 × CHUNK, β2 × CHUNK], the exponents (float) t + 1 twice, and their powers. */
        private final INDArray bases;
        private final INDArray exponents;
        private final INDArray powers;
        private final FloatBuffer exponentBuffer;
        private final FloatBuffer powerBuffer;
        private final float[] chunk = new float[2 * CHUNK];
        private long chunkStart = Long.MIN_VALUE;
        /** Whether the loaded libnd4j computes the moments with fused multiply-adds. */
        final boolean fused;

        HandAdam(int parameterCount, double learningRate, double beta1, double beta2) {
            m = new float[parameterCount];
            v = new float[parameterCount];
            this.learningRate = (float) learningRate;
            this.beta1 = (float) beta1;
            this.beta2 = (float) beta2;
            oneMinusBeta1 = 1 - this.beta1;
            oneMinusBeta2 = 1 - this.beta2;
            float[] b = new float[2 * CHUNK];
            Arrays.fill(b, 0, CHUNK, this.beta1);
            Arrays.fill(b, CHUNK, 2 * CHUNK, this.beta2);
            bases = Nd4j.createFromArray(b);
            exponents = Nd4j.create(DataType.FLOAT, 2 * CHUNK);
            powers = Nd4j.create(DataType.FLOAT, 2 * CHUNK);
            exponentBuffer = exponents.data().asNioFloat();
            powerBuffer = powers.data().asNioFloat();
            // 1: the generic x86-64 build; 2 and 3: the AVX2 and AVX-512 builds
            fused = NativeOpsHolder.getInstance().getDeviceNativeOps().binaryLevel() >= 2;
        }

        /** The bias-corrected step size of ND4J's op at {@code iteration} (0-based). */
        float stepSize(int iteration, float epsilon) {
            if (iteration < chunkStart || iteration >= chunkStart + CHUNK) {
                fillChunk(iteration);
            }
            int j = (int) (iteration - chunkStart);
            float beta1T = chunk[j];
            float beta2T = chunk[CHUNK + j];
            float stepSize = (float) (learningRate * (float) Math.sqrt((float) (1.0 - beta2T)) / (1.0 - beta1T));
            if (Float.isNaN(stepSize) || stepSize == 0 || Float.isInfinite(stepSize)) {
                return epsilon;
            }
            return stepSize;
        }

        private void fillChunk(int iteration) {
            chunkStart = iteration - iteration % CHUNK;
            for (int j = 0; j < CHUNK; j++) {
                // the op's float iteration + 1, rounded as static_cast<float>(int) rounds
                float t = (float) (chunkStart + j) + 1;
                exponentBuffer.put(j, t);
                exponentBuffer.put(CHUNK + j, t);
            }
            Nd4j.getExecutioner().exec(new PowPairwise(bases, exponents, powers));
            powerBuffer.get(0, chunk, 0, chunk.length);
        }

        void step(float[] params, float[] grads, int iteration, double stepEpsilon) {
            float epsilon = (float) stepEpsilon;
            float stepSize = stepSize(iteration, epsilon);
            float[] m = this.m;
            float[] v = this.v;
            float beta1 = this.beta1;
            float beta2 = this.beta2;
            float oneMinusBeta1 = this.oneMinusBeta1;
            float oneMinusBeta2 = this.oneMinusBeta2;
            int n = m.length;
            if (params.length < n || grads.length < n) {
                throw new IllegalArgumentException("params hold " + params.length + " and grads " + grads.length
                        + " floats, expected " + n);
            }
            if (fused) {
                for (int i = 0; i < n; i++) {
                    float g = grads[i];
                    float mi = Math.fma(beta1, m[i], g * oneMinusBeta1);
                    float vi = Math.fma(beta2, v[i], g * g * oneMinusBeta2);
                    m[i] = mi;
                    v[i] = vi;
                    params[i] -= (mi * stepSize) / ((float) Math.sqrt(vi) + epsilon);
                }
                return;
            }
            for (int i = 0; i < n; i++) {
                float g = grads[i];
                float mi = beta1 * m[i] + g * oneMinusBeta1;
                float vi = beta2 * v[i] + g * g * oneMinusBeta2;
                m[i] = mi;
                v[i] = vi;
                params[i] -= (mi * stepSize) / ((float) Math.sqrt(vi) + epsilon);
            }
        }
    }

    /** ND4J's own op, through a reused op context or through the updater. */
    private static final class NativeAdam {
        private final INDArray gradient;
        private final FloatBuffer gradientBuffer;
        final FloatBuffer stateBuffer;
        private final GradientUpdater<?> updater;
        private final Adam config;
        private final float[] update;
        private final double learningRate;
        private final double beta1;
        private final double beta2;
        private final OpExecutioner executioner;
        private final org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater op;
        private final OpContext context;

        NativeAdam(int parameterCount, double learningRate, double beta1, double beta2, double epsilon,
                boolean reuseContext) {
            gradient = Nd4j.create(DataType.FLOAT, 1, parameterCount);
            INDArray state = Nd4j.create(DataType.FLOAT, 1, 2L * parameterCount);
            config = new Adam(learningRate, beta1, beta2, epsilon);
            updater = config.instantiate(state, true);
            gradientBuffer = gradient.data().asNioFloat();
            stateBuffer = state.data().asNioFloat();
            update = new float[parameterCount];
            this.learningRate = learningRate;
            this.beta1 = beta1;
            this.beta2 = beta2;
            if (!reuseContext) {
                executioner = null;
                op = null;
                context = null;
            } else {
                INDArray m = updater.getState().get("M");
                INDArray v = updater.getState().get("V");
                // the op wants the gradient in the state's shape: a view of the same buffer
                INDArray gradientView = gradient.reshape(v.shape());
                executioner = Nd4j.getExecutioner();
                op = new org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater(gradientView, v, m, learningRate, beta1,
                        beta2, epsilon, 0);
                context = executioner.buildContext();
                context.setInputArrays(gradientView, v, m);
                context.setOutputArrays(gradientView, v, m);
                context.markInplace(true);
            }
        }

        void step(float[] params, float[] grads, int iteration, double stepEpsilon) {
            gradientBuffer.put(0, grads, 0, update.length);
            if (context == null) {
                config.setEpsilon(stepEpsilon);
                updater.applyUpdater(gradient, iteration, 0);
            } else {
                context.setTArguments(learningRate, beta1, beta2, stepEpsilon);
                context.setIArguments(iteration);
                executioner.exec(op, context);
            }
            gradientBuffer.get(0, update, 0, update.length);
            for (int i = 0; i < update.length; i++) {
                params[i] -= update[i];
            }
        }
    }
}
