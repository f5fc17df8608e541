package org.saelab.architectures.matryoshka;

import java.util.List;
import org.saelab.api.ArchitectureConfig;
import org.saelab.api.ConfigException;

/**
 * Matryoshka BatchTopK: one BatchTopK encoding whose latents are trained in nested groups. The
 * nesting is carried by the loss, one {@code mse} term per prefix width:
 *
 * <pre>
 * architecture: {type: matryoshka-batchtopk, dSae: 20, k: 5, prefixes: [5, 10, 20]}
 * loss:
 *   - {type: mse, latents: 5}
 *   - {type: mse, latents: 10}
 *   - {type: mse, latents: 20}
 *   - {type: auxk}
 * </pre>
 *
 * With the multi-L0 loss each (k, prefix) pair is one {@code mse} term with both {@code k} and
 * {@code latents}; no further code is involved.
 *
 * @param dSae number of latents
 * @param k mean active latents per sample over the batch; may be fractional
 * @param prefixes the nested widths m_1 < … < m_n = dSae
 */
public record MatryoshkaBatchTopKConfig(int dSae, double k, List<Integer> prefixes) implements ArchitectureConfig {
    public MatryoshkaBatchTopKConfig {
        ConfigException.check(dSae > 0, "architecture.dSae", dSae, "must be > 0");
        ConfigException.check(k > 0 && !Double.isNaN(k), "architecture.k", k, "must be > 0");
        ConfigException.check(k <= dSae, "architecture.k", k, "must be <= architecture.dSae (" + dSae + ")");
        ConfigException.check(prefixes != null && !prefixes.isEmpty(), "architecture.prefixes", prefixes,
                "must list at least one width");
        for (int i = 0; i < prefixes.size(); i++) {
            Integer width = prefixes.get(i);
            ConfigException.check(width != null && width > 0, "architecture.prefixes", prefixes,
                    "every width must be > 0 (entry " + i + " is " + width + ")");
            if (i > 0) {
                ConfigException.check(width > prefixes.get(i - 1), "architecture.prefixes", prefixes,
                        "widths must be strictly increasing (entry " + i + " is " + width + " after " + prefixes.get(i - 1) + ")");
            }
        }
        ConfigException.check(prefixes.get(prefixes.size() - 1) == dSae, "architecture.prefixes", prefixes,
                "the last width must equal architecture.dSae (" + dSae + ")");
        prefixes = List.copyOf(prefixes);
    }

    /** 20 latents at k = 5 in groups of 5, 10 and 20. */
    public static MatryoshkaBatchTopKConfig defaults() {
        return new MatryoshkaBatchTopKConfig(20, 5, List.of(5, 10, 20));
    }
}
