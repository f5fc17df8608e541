package org.saelab.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** How latents are selected at inference. */
public enum Inference {
    /** Top-k selection over the evaluation batch (per sample for per-sample architectures). */
    TOPK("topk"),
    /** A latent fires when its activation exceeds the running threshold learnt in training. */
    THRESHOLD("threshold");

    private final String label;

    Inference(String label) {
        this.label = label;
    }

    @JsonValue
    public String label() {
        return label;
    }

    @JsonCreator
    public static Inference of(String label) {
        return Arrays.stream(values())
                .filter(v -> v.label.equals(label))
                .findFirst()
                .orElseThrow(() -> new ConfigException("evaluation.inference = " + label + ": unknown mode; known: topk, threshold"));
    }
}
