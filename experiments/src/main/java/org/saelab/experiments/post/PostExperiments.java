package org.saelab.experiments.post;

import static org.saelab.api.Comparison.Relation.GREATER;
import static org.saelab.api.Comparison.Relation.LESS;
import static org.saelab.api.Quantity.metric;
import static org.saelab.api.Quantity.slice;
import static org.saelab.experiments.post.PostDefaults.atK;
import static org.saelab.experiments.post.PostDefaults.atKWithoutAuxK;

import java.util.ArrayList;
import java.util.List;
import org.saelab.api.Claim;
import org.saelab.api.Comparison;
import org.saelab.api.Comparison.Relation;
import org.saelab.api.Experiment;
import org.saelab.api.ExperimentPlan;
import org.saelab.api.Quantity;
import org.saelab.api.Variant;

/**
 * The experiments of the post and the claims their reports check. Each experiment runs the
 * variants its claims compare against (post-case2 trains k = 5 beside k = 4); post-all merges
 * them all, each variant once, over seeds 0, 1 and 2. Single experiments default to seed 0.
 */
public final class PostExperiments {
    static final List<Long> SINGLE_SEED = List.of(0L);
    static final List<Long> POST_ALL_SEEDS = List.of(0L, 1L, 2L);
    static final int[][] MULTI_L0_PAIRS = {{4, 6}, {3, 8}};
    static final int[] MULTI_L0_LAMBDAS = {1, 5, 10, 20};

    private PostExperiments() {}

    static final Claim CASE1_RECOVERS = new Comparison("case1-recovers",
            "k = 5 (the true L0) learns the 20 true features: on average at least 19.5 of 20 recovered (cosine ≥ 0.9)",
            metric("k5", "recoveredFeatures"), Relation.AT_LEAST, Quantity.constant(19.5));
    static final Claim CASE2_HEDGING = new Comparison("case2-hedging",
            "k = 4 < true L0: feature 0 is mixed into the other latents (hedging larger than at k = 5)",
            metric("k4", "hedging"), GREATER, metric("k5", "hedging"));
    static final Claim CASE2_FREQUENT_BREAK = new Comparison("case2-frequent-features-break",
            "k = 4: latents of the frequent features 1–5 are more broken than those of the rare features 15–19 "
                    + "(mean best decoder cosine per feature)",
            slice("k4", "maxCosPerFeature", 1, 6), LESS, slice("k4", "maxCosPerFeature", 15, 20));
    static final Claim MSE_TABLE_K4 = new Comparison("mse-table-k4",
            "the broken k = 4 SAE has a lower MSE at k = 4 than the correct k = 5 SAE cut to k = 4 (post: 0.42 vs 0.53)",
            metric("k4", "mse"), LESS, metric("k5", "mse@k4"));
    static final Claim MSE_TABLE_K3 = new Comparison("mse-table-k3",
            "the k = 3 SAE has a lower MSE at k = 3 than the k = 5 SAE cut to k = 3",
            metric("k3", "mse"), LESS, metric("k5", "mse@k3"));
    static final Claim CASE3_HEDGING_GROWS = new Comparison("case3-hedging-grows",
            "k = 3: hedging grows (larger than at k = 4)", metric("k3", "hedging"), GREATER, metric("k4", "hedging"));
    static final Claim CASE3_FEATURES_BREAK = new Comparison("case3-features-1-10-break",
            "k = 3: latents of features 1–10 are broken (mean best cosine below that of features 11–19)",
            slice("k3", "maxCosPerFeature", 1, 11), LESS, slice("k3", "maxCosPerFeature", 11, 20));
    static final Claim K6_SLIGHTLY_BROKEN = new Comparison("k6-slightly-broken",
            "k = 6 > true L0: some latents slightly broken (mcc below k = 5's)", metric("k6", "mcc"), LESS,
            metric("k5", "mcc"));
    static final Claim K6_NO_HEDGING = new Comparison("k6-no-systematic-hedging",
            "k = 6: no systematic hedging (hedging below k = 4's)", metric("k6", "hedging"), LESS,
            metric("k4", "hedging"));
    static final Claim K8_FEWER = new Comparison("k8-fewer-recovered",
            "k = 8: most latents broken (fewer features recovered than at k = 5)", metric("k8", "recoveredFeatures"),
            LESS, metric("k5", "recoveredFeatures"));
    static final Claim K8_NO_HEDGING = new Comparison("k8-no-systematic-hedging",
            "k = 8: still no systematic hedging (hedging below k = 4's)", metric("k8", "hedging"), LESS,
            metric("k4", "hedging"));
    static final Claim NOAUXK_DEAD = new Comparison("noauxk-dead-latents",
            "without the AuxK loss, k = 4 keeps more dead latents than with it", metric("k4-noauxk", "deadLatents"),
            GREATER, metric("k4", "deadLatents"));
    static final Claim MSE_TABLE_NOAUXK = new Comparison("mse-table-k4-noauxk",
            "without AuxK: the k = 4 SAE has a lower MSE at k = 4 than the k = 5 SAE cut to k = 4",
            metric("k4-noauxk", "mse"), LESS, metric("k5-noauxk", "mse@k4"));

    public static List<Experiment> all() {
        List<Experiment> out = new ArrayList<>();
        out.add(new PostExperiment("post-case1", "k = 5 = true L0: a clean diagonal, every feature recovered",
                PostExperiments::case1));
        out.add(new PostExperiment("post-case2", "k = 4 (beside k = 5): hedging, feature 0 mixed into the other latents",
                PostExperiments::case2));
        out.add(new PostExperiment("post-case3", "k = 3 (beside k = 4 and 5): more hedging, latents of features 1–10 broken",
                PostExperiments::case3));
        out.add(new PostExperiment("post-k6", "k = 6 (beside k = 4 and 5): some slightly broken latents, no systematic hedging",
                PostExperiments::k6));
        out.add(new PostExperiment("post-k8", "k = 8 (beside k = 4 and 5): most latents broken, no systematic hedging",
                PostExperiments::k8));
        out.add(new PostExperiment("post-mse-table", "MSE at k = 4 and 3: SAEs trained there vs the k = 5 SAE cut to them",
                PostExperiments::mseTable));
        out.add(new PostExperiment("post-case2-noauxk", "k = 4 with and without the AuxK dead-latent loss",
                PostExperiments::case2WithoutAuxK));
        out.add(new PostExperiment("post-mse-table-noauxk", "the MSE table with SAEs trained without AuxK",
                PostExperiments::mseTableWithoutAuxK));
        out.add(new PostExperiment("post-k-decay", "k from 10 down to 2 over training; frames.gif of the decoder heatmap",
                PostExperiments::kDecay));
        out.add(new PostExperiment("post-multi-l0", "L(k_low) + λ·L(k_high), (k_low, k_high) ∈ {(4,6), (3,8)}, λ ∈ {1,5,10,20}",
                PostExperiments::multiL0));
        out.add(new PostExperiment("post-all", "every experiment of the post over seeds 0, 1, 2, one report",
                PostExperiments::all3));
        return out;
    }

    static ExperimentPlan case1() {
        return plan(List.of(atK(5)), List.of(CASE1_RECOVERS));
    }

    static ExperimentPlan case2() {
        return plan(List.of(atK(5), atK(4)), List.of(CASE2_HEDGING, CASE2_FREQUENT_BREAK, MSE_TABLE_K4));
    }

    static ExperimentPlan case3() {
        return plan(List.of(atK(5), atK(4), atK(3)), List.of(CASE3_HEDGING_GROWS, CASE3_FEATURES_BREAK, MSE_TABLE_K3));
    }

    static ExperimentPlan k6() {
        return plan(List.of(atK(5), atK(4), atK(6)), List.of(K6_SLIGHTLY_BROKEN, K6_NO_HEDGING));
    }

    static ExperimentPlan k8() {
        return plan(List.of(atK(5), atK(4), atK(8)), List.of(K8_FEWER, K8_NO_HEDGING));
    }

    static ExperimentPlan mseTable() {
        return plan(List.of(atK(5), atK(4), atK(3)), List.of(MSE_TABLE_K4, MSE_TABLE_K3));
    }

    static ExperimentPlan case2WithoutAuxK() {
        return plan(List.of(atK(4), atKWithoutAuxK(4)), List.of(NOAUXK_DEAD));
    }

    static ExperimentPlan mseTableWithoutAuxK() {
        return plan(List.of(atKWithoutAuxK(5), atKWithoutAuxK(4), atKWithoutAuxK(3)), List.of(MSE_TABLE_NOAUXK));
    }

    static ExperimentPlan kDecay() {
        return plan(List.of(PostDefaults.kDecay()), List.of());
    }

    static ExperimentPlan multiL0() {
        List<Variant> variants = new ArrayList<>();
        List<Claim> claims = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int[] pair : MULTI_L0_PAIRS) {
            for (int lambda : MULTI_L0_LAMBDAS) {
                variants.add(PostDefaults.multiL0(pair[0], pair[1], lambda));
                names.add(PostDefaults.multiL0Name(pair[0], pair[1], lambda));
            }
            int smallest = MULTI_L0_LAMBDAS[0];
            int largest = MULTI_L0_LAMBDAS[MULTI_L0_LAMBDAS.length - 1];
            claims.add(new Comparison("multi-l0-" + pair[0] + "-" + pair[1] + "-lambda",
                    "multi-L0 (" + pair[0] + ", " + pair[1] + "): a larger λ removes the hedging (hedging at λ = " + largest
                            + " below λ = " + smallest + ")",
                    metric(PostDefaults.multiL0Name(pair[0], pair[1], largest), "hedging"), LESS,
                    metric(PostDefaults.multiL0Name(pair[0], pair[1], smallest), "hedging")));
        }
        claims.add(new BestVariantRecovers("multi-l0-best-recovers",
                "multi-L0 at its best setting recovers all 20 true features in every seed, each at cosine ≥ 0.95",
                names, 0.95));
        return plan(variants, claims);
    }

    static ExperimentPlan all3() {
        return ExperimentPlan.combine(List.of(case1(), case2(), case3(), k6(), k8(), mseTable(), kDecay(), multiL0()),
                POST_ALL_SEEDS);
    }

    private static ExperimentPlan plan(List<Variant> variants, List<Claim> claims) {
        return new ExperimentPlan(variants, SINGLE_SEED, claims);
    }
}
