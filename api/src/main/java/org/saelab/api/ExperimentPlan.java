package org.saelab.api;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What an experiment runs: its variants, each trained once per seed, and the claims its report
 * checks on the results. Runs of the same seed share their data and evaluation streams, so
 * variants are compared on the same samples.
 */
public record ExperimentPlan(List<Variant> variants, List<Long> seeds, List<Claim> claims) {
    public ExperimentPlan {
        variants = List.copyOf(variants);
        seeds = List.copyOf(seeds);
        claims = List.copyOf(claims);
        if (variants.isEmpty()) {
            throw new IllegalArgumentException("an experiment needs at least one variant");
        }
        Set<String> names = new HashSet<>();
        for (Variant variant : variants) {
            if (!names.add(variant.name())) {
                throw new IllegalArgumentException("variant '" + variant.name() + "' appears twice");
            }
        }
        if (variants.size() > 1 && names.contains("")) {
            throw new IllegalArgumentException("every variant of an experiment with several needs a name");
        }
        if (seeds.isEmpty() || new LinkedHashSet<>(seeds).size() != seeds.size()) {
            throw new IllegalArgumentException("seeds must be a non-empty list without repeats: " + seeds);
        }
    }

    /** One unnamed variant, seed 0, no claims. */
    public static ExperimentPlan single(ExperimentSpec spec) {
        return new ExperimentPlan(List.of(new Variant("", spec)), List.of(0L), List.of());
    }

    public ExperimentPlan withSeeds(List<Long> newSeeds) {
        return new ExperimentPlan(variants, newSeeds, claims);
    }

    /** The union of several plans (variants and claims in order; every variant name unique). */
    public static ExperimentPlan combine(List<ExperimentPlan> plans, List<Long> seeds) {
        List<Variant> variants = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<Claim> claims = new ArrayList<>();
        Set<String> claimIds = new HashSet<>();
        for (ExperimentPlan plan : plans) {
            for (Variant variant : plan.variants()) {
                if (seen.add(variant.name())) {
                    variants.add(variant);
                }
            }
            for (Claim claim : plan.claims()) {
                if (claimIds.add(claim.id())) {
                    claims.add(claim);
                }
            }
        }
        return new ExperimentPlan(variants, seeds, claims);
    }

    public Variant variant(String name) {
        for (Variant variant : variants) {
            if (variant.name().equals(name)) {
                return variant;
            }
        }
        throw new IllegalArgumentException("no variant '" + name + "'");
    }
}
