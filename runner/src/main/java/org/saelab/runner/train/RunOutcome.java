package org.saelab.runner.train;

import java.util.List;
import java.util.Map;
import org.saelab.api.EvaluationContext;
import org.saelab.api.MetricValue;
import org.saelab.api.Sae;
import org.saelab.api.Sampler;

/**
 * What a finished run produced, before it is written anywhere.
 *
 * @param snapshots decoder cosine matrices recorded during training (empty unless asked for)
 */
public record RunOutcome(Sae sae, Sampler sampler, float[] losses, EvaluationContext evaluation,
        Map<String, MetricValue> metrics, Map<String, Long> derivedSeeds, double trainingSeconds,
        List<Snapshot> snapshots) {}
