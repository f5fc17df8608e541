package org.saelab.runner.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.saelab.api.ExperimentPlan;
import org.saelab.api.RunSpec;
import org.saelab.api.Variant;
import org.saelab.runner.config.ConfigErrors;
import org.saelab.runner.config.SpecResolver;

/**
 * Turns an experiment's plan and the user's overrides into its runs, every variant × every
 * seed, in that order. The overrides apply to every variant; all problems of all variants are
 * reported together (a problem shared by every variant once) before anything runs.
 */
public final class Planner {
    private Planner() {}

    /**
     * @param only variants to keep (empty: all)
     */
    public static List<PlannedRun> plan(ExperimentPlan plan, SpecResolver resolver, SpecResolver.Overrides overrides,
            List<String> only) {
        List<Variant> variants = select(plan, only);
        Map<String, Set<String>> errors = new LinkedHashMap<>();
        Map<String, RunSpec> resolved = new LinkedHashMap<>();
        for (Variant variant : variants) {
            try {
                RunSpec spec = resolver.resolve(variant.spec(), overrides);
                if (spec.training().seed() != variant.spec().training().seed()) {
                    errors.computeIfAbsent("training.seed = " + spec.training().seed()
                            + ": an experiment runs every seed of its list; choose them with --seed N or --seeds 0,1,2",
                            e -> new LinkedHashSet<>()).add(variant.name());
                }
                resolved.put(variant.name(), spec);
            } catch (ConfigErrors e) {
                for (String error : e.errors()) {
                    errors.computeIfAbsent(error, m -> new LinkedHashSet<>()).add(variant.name());
                }
            }
        }
        if (!errors.isEmpty()) {
            List<String> messages = new ArrayList<>();
            errors.forEach((message, where) -> messages.add(where.size() == variants.size() || variants.size() == 1
                    ? message
                    : message + " (variant " + String.join(", ", where) + ")"));
            throw new ConfigErrors(messages);
        }
        boolean nested = plan.variants().size() > 1;
        List<PlannedRun> runs = new ArrayList<>();
        for (Variant variant : variants) {
            RunSpec spec = resolved.get(variant.name());
            for (long seed : plan.seeds()) {
                String dir = (nested ? variant.name() + "/" : "") + "seed" + seed;
                runs.add(new PlannedRun(variant.name(), seed, spec.withTraining(spec.training().withSeed(seed)), dir));
            }
        }
        return runs;
    }

    private static List<Variant> select(ExperimentPlan plan, List<String> only) {
        if (only.isEmpty()) {
            return plan.variants();
        }
        List<String> known = plan.variants().stream().map(Variant::name).toList();
        List<String> unknown = only.stream().filter(name -> !known.contains(name)).toList();
        if (!unknown.isEmpty()) {
            throw new ConfigErrors(List.of("--only " + String.join(",", unknown) + ": unknown variant; known: "
                    + String.join(", ", known)));
        }
        return plan.variants().stream().filter(v -> only.contains(v.name())).toList();
    }
}
