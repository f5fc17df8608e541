package org.saelab.runner.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/**
 * Suggestions for a mistyped or renamed config field: the names SAELens and dictionary_learning
 * use for the same setting, then the closest known name by edit distance.
 */
final class FieldNames {
    /** Names from SAELens / dictionary_learning configs and saelab's own earlier names → saelab's. */
    private static final Map<String, String> RENAMED = Map.ofEntries(
            Map.entry("d_sae", "dSae"),
            Map.entry("dict_size", "dSae"),
            Map.entry("d_in", "inputDim"),
            Map.entry("lr", "learningRate"),
            Map.entry("learning_rate", "learningRate"),
            Map.entry("adam_beta1", "adamBeta1"),
            Map.entry("adam_beta2", "adamBeta2"),
            Map.entry("beta1", "adamBeta1"),
            Map.entry("beta2", "adamBeta2"),
            Map.entry("training_tokens", "samples"),
            Map.entry("total_training_samples", "samples"),
            Map.entry("train_batch_size_tokens", "batchSize"),
            Map.entry("batch_size", "batchSize"),
            Map.entry("l1_coefficient", "coefficient"),
            Map.entry("aux_k_coefficient", "coefficient"),
            Map.entry("dead_feature_window", "deadWindow"),
            Map.entry("num_features", "numFeatures"),
            Map.entry("snapshot_every", "snapshotEvery"),
            Map.entry("k_schedule", "kSchedule"));

    private FieldNames() {}

    /** "; did you mean X?" for {@code name} among {@code known}, or "" if nothing is close. */
    static String suggestion(String name, Collection<String> known) {
        String renamed = RENAMED.get(name);
        if (renamed == null) {
            renamed = RENAMED.get(name.toLowerCase(Locale.ROOT));
        }
        if (renamed != null && known.contains(renamed)) {
            return "; did you mean " + renamed + "?";
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = distance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                bestDistance = distance;
                best = candidate;
            }
        }
        int allowed = Math.max(1, Math.min(3, name.length() / 3));
        return best != null && bestDistance <= allowed ? "; did you mean " + best + "?" : "";
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
