package org.saelab.experiments.post;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.saelab.api.Claim;
import org.saelab.api.MetricValue;
import org.saelab.api.ResultTable;
import org.saelab.api.Verdict;

/**
 * Of several variants, the one with the highest mean minMaxCos recovers every true feature in
 * every seed, each feature's best latent at cosine ≥ {@code minCos}. "Every seed" rather than the
 * mean: this claim is about a setting that works, not one that works on average.
 */
public record BestVariantRecovers(String id, String text, List<String> candidates, double minCos) implements Claim {
    public BestVariantRecovers {
        requireNonNull(id, "id is null");
        requireNonNull(text, "text is null");
        candidates = List.copyOf(candidates);
    }

    @Override
    public Set<String> variants() {
        return new LinkedHashSet<>(candidates);
    }

    @Override
    public Verdict check(ResultTable results) {
        String best = null;
        double bestMean = Double.NEGATIVE_INFINITY;
        for (String candidate : candidates) {
            double mean = ResultTable.mean(results.scalars(candidate, "minMaxCos"));
            if (mean > bestMean) {
                bestMean = mean;
                best = candidate;
            }
        }
        double[] recovered = results.scalars(best, "recoveredFeatures");
        double[] minMaxCos = results.scalars(best, "minMaxCos");
        boolean holds = true;
        List<String> perSeed = new ArrayList<>();
        for (int s = 0; s < recovered.length; s++) {
            long seed = results.seeds().get(s);
            MetricValue perFeature = results.metric(best, seed, "maxCosPerFeature");
            int features = perFeature instanceof MetricValue.Vector v ? v.values().length : -1;
            holds &= recovered[s] == features && minMaxCos[s] >= minCos;
            perSeed.add("seed " + seed + ": " + ResultTable.number(recovered[s]) + "/" + features + " recovered, minMaxCos "
                    + ResultTable.number(minMaxCos[s]));
        }
        return Verdict.of(holds, "best " + best + " (mean minMaxCos " + ResultTable.number(bestMean) + "): "
                + String.join("; ", perSeed) + "; needs all recovered and minMaxCos ≥ " + ResultTable.number(minCos));
    }
}
