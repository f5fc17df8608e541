package org.saelab.api;

/**
 * Everything metrics read, computed once per run: the evaluation batch, the SAE's inference
 * activations and reconstructions on it, the SAE's weights and the true directions, plus the
 * cosine matrices most metrics share. Arrays are row-major and must not be modified.
 */
public final class EvaluationContext {
    private final int samples;
    private final int inputDim;
    private final int width;
    private final int numFeatures;
    private final float[] inputs;
    private final float[] features;
    private final float[] activations;
    private final float[] reconstructions;
    private final float[] directions;
    private final float[] encoder;
    private final float[] decoder;
    private final float[] decoderBias;
    private final EvaluationConfig config;
    private double[][] decoderCos;
    private double[][] encoderCos;

    /**
     * @param inputs [samples × inputDim]
     * @param features true activations [samples × numFeatures], or null without ground truth
     * @param activations inference activations [samples × width]
     * @param reconstructions [samples × inputDim]
     * @param directions true directions [numFeatures × inputDim], or null without ground truth
     * @param encoder W_enc [inputDim × width]
     * @param decoder W_dec [width × inputDim]
     * @param decoderBias b_dec [inputDim]
     */
    public EvaluationContext(int samples, int inputDim, int width, int numFeatures, float[] inputs, float[] features,
            float[] activations, float[] reconstructions, float[] directions, float[] encoder, float[] decoder,
            float[] decoderBias, EvaluationConfig config) {
        this.samples = samples;
        this.inputDim = inputDim;
        this.width = width;
        this.numFeatures = numFeatures;
        this.inputs = inputs;
        this.features = features;
        this.activations = activations;
        this.reconstructions = reconstructions;
        this.directions = directions;
        this.encoder = encoder;
        this.decoder = decoder;
        this.decoderBias = decoderBias;
        this.config = config;
    }

    public int samples() { return samples; }
    public int inputDim() { return inputDim; }
    public int width() { return width; }
    public int numFeatures() { return numFeatures; }
    public float[] inputs() { return inputs; }
    public float[] features() { return features; }
    public float[] activations() { return activations; }
    public float[] reconstructions() { return reconstructions; }
    public float[] directions() { return directions; }
    public float[] encoder() { return encoder; }
    public float[] decoder() { return decoder; }
    public float[] decoderBias() { return decoderBias; }
    public EvaluationConfig config() { return config; }

    public boolean hasGroundTruth() {
        return directions != null && features != null;
    }

    /** What is known of the truth here: nothing, the true directions, or also the feature activations. */
    public GroundTruth groundTruth() {
        if (directions == null) {
            return GroundTruth.NONE;
        }
        return features == null ? GroundTruth.DIRECTIONS : GroundTruth.FULL;
    }

    /** Cosine of each decoder row with each true direction, [width][numFeatures]. */
    public synchronized double[][] decoderCos() {
        if (decoderCos == null) {
            decoderCos = cosines(decoder, false);
        }
        return decoderCos;
    }

    /** Cosine of each encoder column with each true direction, [width][numFeatures]. */
    public synchronized double[][] encoderCos() {
        if (encoderCos == null) {
            encoderCos = cosines(encoder, true);
        }
        return encoderCos;
    }

    private double[][] cosines(float[] weights, boolean columns) {
        double[][] out = new double[width][numFeatures];
        for (int j = 0; j < width; j++) {
            double norm = 0;
            for (int i = 0; i < inputDim; i++) {
                double w = columns ? weights[i * width + j] : weights[j * inputDim + i];
                norm += w * w;
            }
            norm = Math.sqrt(norm);
            for (int f = 0; f < numFeatures; f++) {
                double dot = 0;
                double dirNorm = 0;
                for (int i = 0; i < inputDim; i++) {
                    double w = columns ? weights[i * width + j] : weights[j * inputDim + i];
                    double d = directions[f * inputDim + i];
                    dot += w * d;
                    dirNorm += d * d;
                }
                double denominator = norm * Math.sqrt(dirNorm);
                out[j][f] = denominator == 0 ? 0 : dot / denominator;
            }
        }
        return out;
    }
}
