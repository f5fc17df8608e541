package org.saelab.api;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The linear encoder/decoder shared by SAELens-style SAEs: {@code pre = ((x − b_dec) · W_enc +
 * b_enc) ⊙ ‖W_dec‖} (the norm factor only when rescaling), {@code x̂ = (a / ‖W_dec‖) · W_dec +
 * b_dec}, with a hand-written backward pass over the sparse active set. Subclasses choose which
 * latents are active ({@link #select}, {@link #selectInference}).
 */
public abstract class LinearSae implements Sae {
    private static final double THRESHOLD_RATE = 0.01;

    protected final int inputDim;
    protected final int width;
    protected final boolean rescaleByDecoderNorm;
    private final SaeParameters parameters;
    private final float[] gradWEncTransposed;
    private final float[] columnGrad;
    private double threshold;
    private int[] active;

    protected LinearSae(int inputDim, int width, boolean rescaleByDecoderNorm) {
        ConfigException.check(inputDim > 0, "inputDim", inputDim, "must be > 0");
        ConfigException.check(width > 0, "architecture.dSae", width, "must be > 0");
        this.inputDim = inputDim;
        this.width = width;
        this.rescaleByDecoderNorm = rescaleByDecoderNorm;
        this.parameters = new SaeParameters(inputDim, width);
        this.gradWEncTransposed = new float[inputDim * width];
        this.columnGrad = new float[width];
    }

    @Override
    public int inputDim() {
        return inputDim;
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public SaeParameters parameters() {
        return parameters;
    }

    @Override
    public double threshold() {
        return threshold;
    }

    public void setThreshold(double threshold) {
        this.threshold = threshold;
    }

    /** SAELens's initialisation: Gaussian decoder rows of norm 0.1, W_enc = W_decᵀ, zero biases. */
    public void initialiseRandom(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] p = parameters.data();
        Arrays.fill(p, 0f);
        int wDec = parameters.wDecOffset();
        for (int j = 0; j < width; j++) {
            double norm = 0;
            for (int i = 0; i < inputDim; i++) {
                float v = (float) random.nextGaussian();
                p[wDec + j * inputDim + i] = v;
                norm += (double) v * v;
            }
            float scale = (float) (0.1 / Math.sqrt(norm));
            for (int i = 0; i < inputDim; i++) {
                p[wDec + j * inputDim + i] *= scale;
            }
        }
        tieEncoderToDecoder();
        threshold = 0;
    }

    /** Extra latents beyond the number of features keep their current rows. */
    @Override
    public void initialiseToDirections(float[] directions, int numFeatures) {
        float[] p = parameters.data();
        int rows = Math.min(numFeatures, width);
        System.arraycopy(directions, 0, p, parameters.wDecOffset(), rows * inputDim);
        Arrays.fill(p, parameters.bEncOffset(), parameters.bEncOffset() + width, 0f);
        Arrays.fill(p, parameters.bDecOffset(), parameters.bDecOffset() + inputDim, 0f);
        tieEncoderToDecoder();
    }

    private void tieEncoderToDecoder() {
        float[] p = parameters.data();
        int wDec = parameters.wDecOffset();
        for (int i = 0; i < inputDim; i++) {
            for (int j = 0; j < width; j++) {
                p[i * width + j] = p[wDec + j * inputDim + i];
            }
        }
    }

    /** Recomputes ‖W_dec[j]‖ into {@code norms} (all 1 when not rescaling). */
    public void decoderNorms(float[] norms) {
        if (!rescaleByDecoderNorm) {
            Arrays.fill(norms, 0, width, 1f);
            return;
        }
        float[] p = parameters.data();
        int wDec = parameters.wDecOffset();
        for (int j = 0; j < width; j++) {
            float sum = 0;
            int row = wDec + j * inputDim;
            for (int i = 0; i < inputDim; i++) {
                float v = p[row + i];
                sum += v * v;
            }
            norms[j] = (float) Math.sqrt(sum);
        }
    }

    @Override
    public void encode(TrainingState s) {
        decoderNorms(s.norms);
        encodeRows(s.batch.inputs, s.batchSize, s.centered, s.preRaw, s.pre, s.norms);
        if (Kernels.VECTORISED) {
            padDecoder();
        }
    }

    // The decoder, its gradient and W_enc's gradient as rows padded to a whole number of SIMD
    // vectors (zeros in the padding), refreshed from the parameters at every encode: the sparse
    // decode and backward passes then run on whole vectors, without scalar tails.
    private int paddedDim;
    private float[] wDecPadded;
    private float[] bDecPadded;
    private float[] gradWDecPadded;
    private float[] gradWEncPadded;
    private float[] lastRows;
    private float[] spareRow;
    // one code's entries at a time, in row-major order: row, latent, value, value / norm, dot
    private int[] entryRows;
    private int[] entryLatents;
    private float[] entryValues;
    private float[] entryScales;
    private float[] entryDots;
    // the same entries grouped by latent (latent j's in [latentStarts[j], latentStarts[j + 1]), in row order)
    private int[] latentStarts;
    private int[] latentNext;
    private int[] sortedRows;
    private float[] sortedValues;
    private float[] sortedScales;
    private float[] sortedDots;

    private void padDecoder() {
        float[] p = parameters.data();
        if (wDecPadded == null) {
            int block = Kernels.rowBlock();
            paddedDim = (inputDim + block - 1) / block * block;
            wDecPadded = new float[width * paddedDim];
            bDecPadded = new float[paddedDim];
            gradWDecPadded = new float[width * paddedDim];
            gradWEncPadded = new float[width * paddedDim];
            spareRow = new float[paddedDim];
        }
        int wDec = parameters.wDecOffset();
        for (int j = 0; j < width; j++) {
            System.arraycopy(p, wDec + j * inputDim, wDecPadded, j * paddedDim, inputDim);
        }
        System.arraycopy(p, parameters.bDecOffset(), bDecPadded, 0, inputDim);
    }

    private void ensureEntries(int capacity) {
        if (entryRows == null || entryRows.length < capacity) {
            entryRows = new int[capacity];
            entryLatents = new int[capacity];
            entryValues = new float[capacity];
            entryScales = new float[capacity];
            entryDots = new float[capacity];
            sortedRows = new int[capacity];
            sortedValues = new float[capacity];
            sortedScales = new float[capacity];
            sortedDots = new float[capacity];
        }
        if (latentStarts == null) {
            latentStarts = new int[width + 1];
            latentNext = new int[width];
        }
    }

    /**
     * Groups the first {@code count} entries (entryRows, entryLatents, entryValues, entryScales)
     * by latent into the sorted arrays, keeping their order within a latent (a counting sort).
     */
    private void sortByLatent(int count) {
        int[] starts = latentStarts;
        Arrays.fill(starts, 0);
        for (int e = 0; e < count; e++) {
            starts[entryLatents[e] + 1]++;
        }
        for (int j = 0; j < width; j++) {
            starts[j + 1] += starts[j];
            latentNext[j] = starts[j];
        }
        for (int e = 0; e < count; e++) {
            int at = latentNext[entryLatents[e]]++;
            sortedRows[at] = entryRows[e];
            sortedValues[at] = entryValues[e];
            sortedScales[at] = entryScales[e];
        }
    }

    /** Padded copies of the rows of src that whole vectors cannot read in place; returns the first. */
    private int copyLastRows(float[] src, int rows) {
        int first = Kernels.firstLastRow(rows, inputDim, paddedDim);
        int needed = (rows - first) * paddedDim;
        if (lastRows == null || lastRows.length < needed) {
            lastRows = new float[needed];
        }
        Kernels.copyLastRows(src, rows, inputDim, first, lastRows, paddedDim);
        return first;
    }

    /**
     * Copies the entries of {@code code} with latent below {@code latentLimit} into the entry
     * arrays, with value / norm; returns their number, or −1 when the code's rows are not in
     * [0, rows) and ascending (the general path then decodes it).
     */
    private int gatherEntries(SparseCode code, int latentLimit, int rows, float[] norms) {
        int count = code.count();
        ensureEntries(count);
        int kept = 0;
        int previous = 0;
        for (int e = 0; e < count; e++) {
            int b = code.rows[e];
            int j = code.latents[e];
            if (b < previous || b >= rows) {
                return -1;
            }
            previous = b;
            float v = code.values[e];
            entryRows[kept] = b;
            entryLatents[kept] = j;
            entryValues[kept] = v;
            entryScales[kept] = v / norms[Math.min(j, width - 1)];
            kept += j < latentLimit ? 1 : 0;
        }
        return kept;
    }

    /**
     * pre = ((x − b_dec) · W_enc + b_enc) ⊙ norms, by {@link Kernels#affineRows} on small shapes
     * and ND4J's gemm on large ones (see {@link #handEncoder}).
     */
    protected final void encodeRows(float[] x, int rows, float[] centered, float[] preRaw, float[] pre, float[] norms) {
        if (!handEncoder()) {
            encodeWithGemm(x, rows, centered, preRaw, pre, norms);
            return;
        }
        encodedWithGemm = false;
        float[] p = parameters.data();
        boolean centerInPass = Kernels.nativeInUse() && x != centered;
        if (!centerInPass) {
            Kernels.subtractRow(x, rows, inputDim, p, parameters.bDecOffset(), centered);
        }
        int lanes = Kernels.lanes();
        int padded = (width + lanes - 1) / lanes * lanes;
        if (paddedWEnc == null) {
            paddedWEnc = new float[inputDim * padded];
            paddedBEnc = new float[padded];
            paddedNorms = new float[padded];
            spareLanes = new float[2 * lanes];
        }
        for (int i = 0; i < inputDim; i++) {
            System.arraycopy(p, i * width, paddedWEnc, i * padded, width);
        }
        System.arraycopy(p, parameters.bEncOffset(), paddedBEnc, 0, width);
        System.arraycopy(norms, 0, paddedNorms, 0, width);
        if (centerInPass) {
            // natively, each group of rows is centered just before the product reads it: one pass over x
            NativeKernels.centerAffineRows(x, p, parameters.bDecOffset(), centered, rows, inputDim, paddedWEnc, padded,
                    paddedBEnc, paddedNorms, width, preRaw, pre);
            return;
        }
        Kernels.affineRows(centered, rows, inputDim, paddedWEnc, padded, paddedBEnc, paddedNorms, width, preRaw, pre,
                spareLanes);
    }

    /**
     * {@code -Dsaelab.blas=true} always uses ND4J's gemm for the encoder product, {@code false}
     * always the hand-written kernel; by default the kernel runs while W_enc has at most
     * {@value #HAND_ENCODER_MAX_WEIGHTS} entries (it then stays in the first-level caches) and
     * the SIMD kernels are available. Measured (benchmarks module, TrainingStepBenchmark and
     * EncodeBenchmark): at 50 × 20 the kernel takes about a fifth of gemm's time with its copies;
     * at 512 × 4096 gemm is several times faster.
     */
    private static final String BLAS = System.getProperty("saelab.blas", "auto");
    private static final int HAND_ENCODER_MAX_WEIGHTS = 16384;

    private boolean handEncoder() {
        return switch (BLAS) {
            case "true" -> false;
            case "false" -> true;
            default -> Kernels.VECTORISED && (long) inputDim * width <= HAND_ENCODER_MAX_WEIGHTS;
        };
    }

    private float[] paddedWEnc;
    private float[] paddedBEnc;
    private float[] paddedNorms;
    private float[] spareLanes;
    private boolean encodedWithGemm;

    private org.nd4j.linalg.api.ndarray.INDArray gemmInput;
    private org.nd4j.linalg.api.ndarray.INDArray gemmWeights;
    private org.nd4j.linalg.api.ndarray.INDArray gemmOutput;
    private java.nio.FloatBuffer gemmInputBuffer;
    private java.nio.FloatBuffer gemmWeightsBuffer;
    private java.nio.FloatBuffer gemmOutputBuffer;
    private org.nd4j.linalg.api.ndarray.INDArray gemmGrad;
    private org.nd4j.linalg.api.ndarray.INDArray gemmWeightGrad;
    private java.nio.FloatBuffer gemmGradBuffer;
    private java.nio.FloatBuffer gemmWeightGradBuffer;
    private float[] rawGrad;
    private float[] weightGrad;

    private void encodeWithGemm(float[] x, int rows, float[] centered, float[] preRaw, float[] pre, float[] norms) {
        float[] p = parameters.data();
        int bEnc = parameters.bEncOffset();
        int bDec = parameters.bDecOffset();
        if (gemmInput == null || gemmInput.rows() != rows) {
            org.nd4j.linalg.api.buffer.DataType f = org.nd4j.linalg.api.buffer.DataType.FLOAT;
            gemmInput = org.nd4j.linalg.factory.Nd4j.create(f, rows, inputDim);
            gemmWeights = org.nd4j.linalg.factory.Nd4j.create(f, inputDim, width);
            gemmOutput = org.nd4j.linalg.factory.Nd4j.create(f, rows, width);
            gemmInputBuffer = gemmInput.data().asNioFloat();
            gemmWeightsBuffer = gemmWeights.data().asNioFloat();
            gemmOutputBuffer = gemmOutput.data().asNioFloat();
        }
        Kernels.subtractRow(x, rows, inputDim, p, bDec, centered);
        encodedWithGemm = true;
        gemmInputBuffer.put(0, centered, 0, rows * inputDim);
        gemmWeightsBuffer.put(0, p, parameters.wEncOffset(), inputDim * width);
        org.nd4j.linalg.factory.Nd4j.gemm(gemmInput, gemmWeights, gemmOutput, false, false, 1.0, 0.0);
        gemmOutputBuffer.get(0, preRaw, 0, rows * width);
        for (int b = 0; b < rows; b++) {
            int aRow = b * width;
            for (int j = 0; j < width; j++) {
                float v = preRaw[aRow + j] + p[bEnc + j];
                preRaw[aRow + j] = v;
                pre[aRow + j] = v * norms[j];
            }
        }
    }

    /** Σ_i a[aFrom + i] · b[bFrom + i] over n, with four independent accumulators. */
    protected static float dot(float[] a, int aFrom, float[] b, int bFrom, int n) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            s0 += a[aFrom + i] * b[bFrom + i];
            s1 += a[aFrom + i + 1] * b[bFrom + i + 1];
            s2 += a[aFrom + i + 2] * b[bFrom + i + 2];
            s3 += a[aFrom + i + 3] * b[bFrom + i + 3];
        }
        for (; i < n; i++) {
            s0 += a[aFrom + i] * b[bFrom + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public void decode(TrainingState s, SparseCode code, int latentLimit, float[] out) {
        if (wDecPadded != null && Kernels.nativeInUse()) {
            ensureEntries(code.count());
            if (NativeKernels.decodeCode(code, latentLimit, s.batchSize, width, s.norms, wDecPadded, paddedDim,
                    bDecPadded, inputDim, out, entryRows, entryLatents, entryScales, entryDots) >= 0) {
                return;
            }
        }
        int count = wDecPadded == null ? -1 : gatherEntries(code, latentLimit, s.batchSize, s.norms);
        if (count < 0) {
            decodeCode(code, latentLimit, s.batchSize, s.norms, out);
            return;
        }
        Kernels.decodeSortedRows(entryRows, entryLatents, entryScales, count, wDecPadded, paddedDim, bDecPadded,
                s.batchSize, inputDim, out, spareRow);
    }

    private void decodeCode(SparseCode code, int latentLimit, int rows, float[] norms, float[] out) {
        float[] p = parameters.data();
        int bDec = parameters.bDecOffset();
        int wDec = parameters.wDecOffset();
        for (int b = 0; b < rows; b++) {
            System.arraycopy(p, bDec, out, b * inputDim, inputDim);
        }
        int count = code.count();
        for (int e = 0; e < count; e++) {
            int j = code.latents[e];
            if (j >= latentLimit) {
                continue;
            }
            Kernels.axpy(code.values[e] / norms[j], p, wDec + j * inputDim, out, code.rows[e] * inputDim, inputDim);
        }
    }

    @Override
    public void backwardDecode(TrainingState s, SparseCode code, int latentLimit, float[] gradOut) {
        float[] p = parameters.data();
        float[] g = s.grads;
        int wDec = parameters.wDecOffset();
        int bDec = parameters.bDecOffset();
        Kernels.addColumnSums(gradOut, s.batchSize, inputDim, g, bDec);
        if (wDecPadded != null && Kernels.nativeInUse()) {
            ensureEntries(code.count());
            if (NativeKernels.backwardDecode(code, latentLimit, s.batchSize, s.norms, gradOut, inputDim, wDecPadded,
                    paddedDim, width, g, wDec, s.gradPre, s.gradNorms, rescaleByDecoderNorm, latentStarts, latentNext,
                    sortedRows, sortedValues, sortedScales, sortedDots, gradWDecPadded) >= 0) {
                return;
            }
        }
        int kept = wDecPadded == null ? -1 : gatherEntries(code, latentLimit, s.batchSize, s.norms);
        if (kept >= 0) {
            int first = copyLastRows(gradOut, s.batchSize);
            sortByLatent(kept);
            Kernels.dotAndScatterByLatent(latentStarts, width, sortedRows, sortedScales, gradOut, inputDim,
                    s.batchSize * inputDim, lastRows, first, wDecPadded, gradWDecPadded, paddedDim, sortedDots);
            for (int j = 0; j < width; j++) {
                float n = s.norms[j];
                float gradNorm = s.gradNorms[j];
                for (int x = latentStarts[j]; x < latentStarts[j + 1]; x++) {
                    float dot = sortedDots[x];
                    s.gradPre[sortedRows[x] * width + j] += dot / n;
                    gradNorm -= sortedValues[x] * dot / (n * n);
                }
                if (rescaleByDecoderNorm) {
                    s.gradNorms[j] = gradNorm;
                }
            }
            for (int j = 0; j < width; j++) {
                int row = wDec + j * inputDim;
                int padded = j * paddedDim;
                for (int i = 0; i < inputDim; i++) {
                    g[row + i] += gradWDecPadded[padded + i];
                }
            }
            return;
        }
        int count = code.count();
        for (int e = 0; e < count; e++) {
            int j = code.latents[e];
            if (j >= latentLimit) {
                continue;
            }
            int b = code.rows[e];
            float n = s.norms[j];
            float value = code.values[e];
            float scale = value / n;
            int outRow = b * inputDim;
            int row = wDec + j * inputDim;
            float dot = Kernels.dotAndAxpy(gradOut, outRow, p, row, scale, g, row, inputDim);
            s.gradPre[b * width + j] += dot / n;
            if (rescaleByDecoderNorm) {
                s.gradNorms[j] -= value * dot / (n * n);
            }
        }
    }

    /** Most entries of an input row the native row passes take (eight 8-float vectors). */
    private static final int NATIVE_MAX_ROW = 64;
    /** Most latents the native row passes take. */
    private static final int NATIVE_MAX_WIDTH = 1024;
    /** Most latents the native encoder row pass takes. */
    private static final int NATIVE_MAX_ENCODER_WIDTH = 64;
    private final double[] rowPassResults = new double[2];

    /** Whether the native row passes apply: rows of at most 64 floats, the padded decoder ready. */
    private boolean nativeRowPass() {
        return wDecPadded != null && Kernels.nativeInUse() && inputDim <= NATIVE_MAX_ROW && width <= NATIVE_MAX_WIDTH;
    }

    /**
     * One native pass over the rows (see NativeKernels.mseRows); returns the entries kept, or −1
     * (nothing changed) when the code does not suit it.
     */
    private int mseRows(TrainingState s, SparseCode code, int latentLimit, float gradScale, float[] out,
            boolean decoded, boolean withEncoder) {
        ensureEntries(code.count());
        return NativeKernels.mseRows(code, latentLimit, s.batchSize, width, s.norms, wDecPadded, paddedDim,
                bDecPadded, s.batch.inputs, inputDim, gradScale, out, decoded, s.grads, parameters.bDecOffset(),
                parameters.wDecOffset(), s.gradPre, s.gradNorms, rescaleByDecoderNorm, gradWDecPadded, entryScales,
                withEncoder, s.preRaw, columnGrad, parameters.wEncOffset(), gradWEncPadded, entryValues, entryLatents,
                rowPassResults);
    }

    /**
     * Natively, the reconstruction, its error and the decoder backward pass in one pass over the
     * rows, without the error's gradient in memory between them: the same floats.
     */
    @Override
    public double squaredErrorBackward(TrainingState s, SparseCode code, int latentLimit, float gradScale, float[] out,
            boolean decoded) {
        if (nativeRowPass() && mseRows(s, code, latentLimit, gradScale, out, decoded, false) >= 0) {
            return rowPassResults[0];
        }
        return Sae.super.squaredErrorBackward(s, code, latentLimit, gradScale, out, decoded);
    }

    /**
     * Natively, for widths up to 64 with the hand-written encoder: decode, MSE, decoder and
     * encoder backward passes in one pass over the rows, each row read once.
     */
    @Override
    public double mainSquaredErrorStep(TrainingState s, float weight) {
        if (!nativeRowPass() || width > NATIVE_MAX_ENCODER_WIDTH || encodedWithGemm) {
            return Double.NaN;
        }
        Arrays.fill(columnGrad, 0f);
        float scale = 2f * weight / s.batchSize;
        if (mseRows(s, s.main, width, scale, s.reconstruction, false, true) < 0) {
            return Double.NaN;
        }
        finishBackwardEncode(s);
        return weight * rowPassResults[0] / s.batchSize;
    }

    @Override
    public void backwardEncode(TrainingState s) {
        Arrays.fill(columnGrad, 0f);
        backwardEncodeSparse(s);
        finishBackwardEncode(s);
    }

    /** The dense rest of the encoder backward pass, from columnGrad and the norm gradients. */
    private void finishBackwardEncode(TrainingState s) {
        float[] p = parameters.data();
        float[] g = s.grads;
        int bEnc = parameters.bEncOffset();
        int bDec = parameters.bDecOffset();
        int wDec = parameters.wDecOffset();
        for (int i = 0; i < inputDim; i++) {
            float sum = 0;
            for (int j = 0; j < width; j++) {
                sum += p[i * width + j] * columnGrad[j];
            }
            g[bDec + i] -= sum;
        }
        for (int j = 0; j < width; j++) {
            g[bEnc + j] += columnGrad[j];
        }
        if (rescaleByDecoderNorm) {
            for (int j = 0; j < width; j++) {
                float factor = s.gradNorms[j] / s.norms[j];
                if (factor == 0f) {
                    continue;
                }
                int row = wDec + j * inputDim;
                for (int i = 0; i < inputDim; i++) {
                    g[row + i] += factor * p[row + i];
                }
            }
        }
    }

    /** W_enc's gradient from the nonzero entries of gradPre, one axpy each. */
    private void backwardEncodeSparse(TrainingState s) {
        if (wDecPadded != null) {
            backwardEncodeByLatent(s);
            return;
        }
        // the nonzero entries of gradPre in row-major order, gathered without branches: skipping
        // zeros with a branch mispredicts on most of the ~25% nonzero entries
        int total = s.batchSize * width;
        if (active == null || active.length < total) {
            active = new int[total];
        }
        ensureEntries(total);
        int count = 0;
        for (int b = 0, e = 0; b < s.batchSize; b++) {
            for (int j = 0; j < width; j++, e++) {
                active[count] = e;
                entryRows[count] = b;
                count += s.gradPre[e] != 0f ? 1 : 0;
            }
        }
        if (encodedWithGemm && (long) count * 8 > total && gemmInput.rows() == s.batchSize) {
            // dense enough that one gemm beats an axpy per entry
            backwardEncodeWithGemm(s);
            return;
        }
        Arrays.fill(gradWEncTransposed, 0f);
        for (int n = 0; n < count; n++) {
            int e = active[n];
            int b = e / width;
            int j = e - b * width;
            int xRow = b * inputDim;
            float gp = s.gradPre[e];
            float gRaw = gp * s.norms[j];
            if (rescaleByDecoderNorm) {
                s.gradNorms[j] += gp * s.preRaw[e];
            }
            columnGrad[j] += gRaw;
            Kernels.axpy(gRaw, s.centered, xRow, gradWEncTransposed, j * inputDim, inputDim);
        }
        float[] g = s.grads;
        for (int i = 0; i < inputDim; i++) {
            for (int j = 0; j < width; j++) {
                g[i * width + j] += gradWEncTransposed[j * inputDim + i];
            }
        }
    }

    /**
     * The general path on whole vectors: the nonzero entries of gradPre grouped by latent (a
     * column scan for narrow SAEs, else a row scan and a counting sort), then each latent's
     * W_enc column accumulated in registers over its entries.
     */
    private void backwardEncodeByLatent(TrainingState s) {
        int rows = s.batchSize;
        int total = rows * width;
        ensureEntries(total);
        if (width <= 64 && !encodedWithGemm && Kernels.nativeInUse()) {
            NativeKernels.backwardEncode(s.gradPre, s.preRaw, rows, width, s.norms, s.gradNorms, rescaleByDecoderNorm,
                    columnGrad, s.centered, inputDim, paddedDim, s.grads, parameters.wEncOffset(), latentStarts,
                    sortedRows, sortedScales, gradWEncPadded);
            return;
        }
        int count = 0;
        if (width <= 64) {
            for (int j = 0; j < width; j++) {
                latentStarts[j] = count;
                for (int b = 0, e = j; b < rows; b++, e += width) {
                    sortedRows[count] = b;
                    count += s.gradPre[e] != 0f ? 1 : 0;
                }
            }
            latentStarts[width] = count;
        } else {
            for (int b = 0, e = 0; b < rows; b++) {
                for (int j = 0; j < width; j++, e++) {
                    entryRows[count] = b;
                    entryLatents[count] = j;
                    count += s.gradPre[e] != 0f ? 1 : 0;
                }
            }
            sortByLatent(count);
        }
        if (encodedWithGemm && (long) count * 8 > total && gemmInput.rows() == rows) {
            // dense enough that one gemm beats the sparse sums
            backwardEncodeWithGemm(s);
            return;
        }
        for (int j = 0; j < width; j++) {
            float n = s.norms[j];
            float column = 0;
            float gradNorm = s.gradNorms[j];
            for (int x = latentStarts[j]; x < latentStarts[j + 1]; x++) {
                int e = sortedRows[x] * width + j;
                float gp = s.gradPre[e];
                float gRaw = gp * n;
                gradNorm += gp * s.preRaw[e];
                column += gRaw;
                sortedScales[x] = gRaw;
            }
            columnGrad[j] += column;
            if (rescaleByDecoderNorm) {
                s.gradNorms[j] = gradNorm;
            }
        }
        int first = copyLastRows(s.centered, rows);
        Kernels.scatterByLatent(latentStarts, width, sortedRows, sortedScales, s.centered, inputDim, rows * inputDim,
                lastRows, first, gradWEncPadded, paddedDim);
        float[] g = s.grads;
        for (int i = 0; i < inputDim; i++) {
            for (int j = 0; j < width; j++) {
                g[i * width + j] += gradWEncPadded[j * paddedDim + i];
            }
        }
    }

    /** W_enc's gradient as one gemm: (x − b_dec)ᵀ · (gradPre ⊙ norms), dense. */
    private void backwardEncodeWithGemm(TrainingState s) {
        int total = s.batchSize * width;
        if (gemmGrad == null || gemmGrad.rows() != s.batchSize) {
            org.nd4j.linalg.api.buffer.DataType f = org.nd4j.linalg.api.buffer.DataType.FLOAT;
            gemmGrad = org.nd4j.linalg.factory.Nd4j.create(f, s.batchSize, width);
            gemmWeightGrad = org.nd4j.linalg.factory.Nd4j.create(f, inputDim, width);
            gemmGradBuffer = gemmGrad.data().asNioFloat();
            gemmWeightGradBuffer = gemmWeightGrad.data().asNioFloat();
            rawGrad = new float[total];
            weightGrad = new float[inputDim * width];
        }
        for (int b = 0; b < s.batchSize; b++) {
            int aRow = b * width;
            for (int j = 0; j < width; j++) {
                float gp = s.gradPre[aRow + j];
                float gRaw = gp * s.norms[j];
                rawGrad[aRow + j] = gRaw;
                columnGrad[j] += gRaw;
                if (rescaleByDecoderNorm) {
                    s.gradNorms[j] += gp * s.preRaw[aRow + j];
                }
            }
        }
        gemmGradBuffer.put(0, rawGrad, 0, total);
        org.nd4j.linalg.factory.Nd4j.gemm(gemmInput, gemmGrad, gemmWeightGrad, true, false, 1.0, 0.0);
        gemmWeightGradBuffer.get(0, weightGrad, 0, weightGrad.length);
        float[] g = s.grads;
        int wEnc = parameters.wEncOffset();
        for (int e = 0; e < weightGrad.length; e++) {
            g[wEnc + e] += weightGrad[e];
        }
    }

    /** Updates the running threshold: an EMA of the smallest positive kept activation. */
    @Override
    public void afterStep(TrainingState s) {
        SparseCode code = s.main;
        float min = Float.POSITIVE_INFINITY;
        int count = code.count();
        float[] values = code.values;
        for (int e = 0; e < count; e++) {
            float v = values[e];
            min = Math.min(min, v > 0 ? v : Float.POSITIVE_INFINITY);
        }
        if (min != Float.POSITIVE_INFINITY) {
            threshold = (1 - THRESHOLD_RATE) * threshold + THRESHOLD_RATE * min;
        }
    }

    @Override
    public void infer(float[] inputs, int rows, Inference inference, double k, float[] activations) {
        float[] norms = new float[width];
        decoderNorms(norms);
        if (handEncoder()) {
            encodeForInference(inputs, rows, norms, activations);
            selectInference(activations, rows, inference, k);
            return;
        }
        float[] centered = new float[inputDim];
        float[] p = parameters.data();
        int bEnc = parameters.bEncOffset();
        int bDec = parameters.bDecOffset();
        for (int b = 0; b < rows; b++) {
            int xRow = b * inputDim;
            int aRow = b * width;
            for (int i = 0; i < inputDim; i++) {
                centered[i] = inputs[xRow + i] - p[bDec + i];
            }
            System.arraycopy(p, bEnc, activations, aRow, width);
            for (int i = 0; i < inputDim; i++) {
                float c = centered[i];
                int wRow = i * width;
                for (int j = 0; j < width; j++) {
                    activations[aRow + j] += c * p[wRow + j];
                }
            }
            for (int j = 0; j < width; j++) {
                float v = activations[aRow + j] * norms[j];
                activations[aRow + j] = v > 0 ? v : 0f;
            }
        }
        selectInference(activations, rows, inference, k);
    }

    /**
     * relu(((x − b_dec) · W_enc + b_enc) ⊙ norms) by the training step's kernels, a block of rows
     * at a time: the same floats as the step's encoder. Its own scratch arrays, so that several
     * threads may infer at once.
     */
    private void encodeForInference(float[] inputs, int rows, float[] norms, float[] activations) {
        float[] p = parameters.data();
        int lanes = Kernels.lanes();
        int padded = (width + lanes - 1) / lanes * lanes;
        float[] w = new float[inputDim * padded];
        for (int i = 0; i < inputDim; i++) {
            System.arraycopy(p, i * width, w, i * padded, width);
        }
        float[] bias = Arrays.copyOf(Arrays.copyOfRange(p, parameters.bEncOffset(), parameters.bEncOffset() + width),
                padded);
        float[] scales = Arrays.copyOf(norms, padded);
        int block = Math.min(rows, 4096);
        float[] centered = new float[block * inputDim];
        float[] raw = new float[block * width];
        float[] scaled = new float[block * width];
        float[] spare = new float[2 * lanes];
        for (int from = 0; from < rows; from += block) {
            int n = Math.min(block, rows - from);
            float[] x = inputs;
            if (from > 0) {
                System.arraycopy(inputs, from * inputDim, centered, 0, n * inputDim);
                x = centered;
            }
            Kernels.subtractRow(x, n, inputDim, p, parameters.bDecOffset(), centered);
            Kernels.affineRows(centered, n, inputDim, w, padded, bias, scales, width, raw, scaled, spare);
            int out = from * width;
            for (int e = 0; e < n * width; e++) {
                float v = scaled[e];
                activations[out + e] = v > 0 ? v : 0f;
            }
        }
    }

    /** Zeroes the inactive entries of relu'd dense activations [rows × width]. */
    protected void selectInference(float[] activations, int rows, Inference inference, double k) {
        if (inference == Inference.THRESHOLD) {
            float t = (float) threshold;
            for (int e = 0; e < rows * width; e++) {
                if (activations[e] <= t) {
                    activations[e] = 0f;
                }
            }
        } else {
            selectTopKInference(activations, rows, k);
        }
    }

    /** Top-k selection for inference; the default keeps ⌊k·rows⌋ over the whole batch. */
    protected void selectTopKInference(float[] activations, int rows, double k) {
        long keep = (long) Math.floor(k * rows);
        TopK.keepLargest(activations, 0, rows * width, keep, new float[rows * width]);
    }

    @Override
    public void decodeActivations(float[] activations, int rows, float[] out) {
        float[] norms = new float[width];
        decoderNorms(norms);
        float[] p = parameters.data();
        int bDec = parameters.bDecOffset();
        int wDec = parameters.wDecOffset();
        for (int b = 0; b < rows; b++) {
            int outRow = b * inputDim;
            System.arraycopy(p, bDec, out, outRow, inputDim);
            for (int j = 0; j < width; j++) {
                float a = activations[b * width + j];
                if (a == 0f) {
                    continue;
                }
                float scale = a / norms[j];
                int row = wDec + j * inputDim;
                for (int i = 0; i < inputDim; i++) {
                    out[outRow + i] += scale * p[row + i];
                }
            }
        }
    }
}
