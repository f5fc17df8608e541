package org.saelab.runner.train;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.saelab.api.ComponentFactory;
import org.saelab.api.ConfigException;
import org.saelab.api.EvaluationContext;
import org.saelab.api.LossTerm;
import org.saelab.api.LossTermConfig;
import org.saelab.api.Metric;
import org.saelab.api.RunContext;
import org.saelab.api.RunSpec;
import org.saelab.api.Sae;
import org.saelab.api.Sampler;
import org.saelab.api.SeedStreams;
import org.saelab.api.TrainingListener;
import org.saelab.runner.wiring.PluginRegistry;

/** Builds a run's components from its spec, trains, and evaluates. Writes nothing. */
public final class RunExecutor {
    private final PluginRegistry registry;

    public RunExecutor(PluginRegistry registry) {
        this.registry = requireNonNull(registry, "registry is null");
    }

    /** The components of a run, built and cross-checked before any training. */
    public record Prepared(RunSpec spec, SeedStreams seeds, Sampler sampler, Sae sae, List<LossTerm> terms) {}

    public Prepared prepare(RunSpec spec, List<TrainingListener> listeners) {
        SeedStreams seeds = new SeedStreams(spec.training().seed());
        RunContext samplerContext = new RunContext(seeds, listeners, 0);
        Sampler sampler = create(registry.samplers().values(), spec.sampler(), samplerContext, "sampler");
        RunContext context = new RunContext(seeds, listeners, sampler.inputDim());
        Sae sae = create(registry.architectures().values(), spec.architecture(), context, "architecture");
        List<LossTerm> terms = new ArrayList<>();
        for (LossTermConfig term : spec.loss()) {
            terms.add(create(registry.lossTerms().values(), term, context, "loss"));
        }
        int hedging = spec.evaluation().hedgingFeature();
        boolean directionsKnown = sampler.groundTruth().covers(org.saelab.api.GroundTruth.DIRECTIONS);
        ConfigException.check(!directionsKnown || hedging < sampler.numFeatures(), "evaluation.hedgingFeature", hedging,
                "must be < the sampler's number of features (" + sampler.numFeatures() + ")");
        ConfigException.check(directionsKnown || !"ground-truth".equals(spec.training().init()), "training.init",
                spec.training().init(), "needs true directions, and the sampler has none");
        // load ND4J's native backend now, so its start-up is not counted as training time
        org.nd4j.linalg.factory.Nd4j.getBackend();
        if ("ground-truth".equals(spec.training().init())) {
            sae.initialiseToDirections(sampler.directionsData(), sampler.numFeatures());
        }
        return new Prepared(spec, seeds, sampler, sae, List.copyOf(terms));
    }

    public RunOutcome run(Prepared prepared, List<TrainingListener> listeners, List<Metric> metrics) {
        RunSpec spec = prepared.spec();
        SeedStreams seeds = prepared.seeds();
        Sampler sampler = prepared.sampler();
        Sae sae = prepared.sae();
        Trainer trainer = new Trainer(spec.training(), listeners);
        long start = System.nanoTime();
        float[] losses = trainer.train(sae, prepared.terms(), sampler.stream(seeds.seed("data.training")),
                sampler.numFeatures(), sae.k());
        double trainingSeconds = (System.nanoTime() - start) / 1e9;
        EvaluationContext evaluation = Evaluator.context(sae, sampler, sampler.evaluationStream(seeds.seed("data.evaluation")),
                spec.evaluation());
        return new RunOutcome(sae, sampler, losses, evaluation, Evaluator.metrics(evaluation, metrics),
                seeds.derivedSeeds(), trainingSeconds);
    }

    @SuppressWarnings("unchecked")
    private static <C, T> T create(java.util.Collection<? extends ComponentFactory<?, ?>> factories, Object config,
            RunContext context, String field) {
        for (ComponentFactory<?, ?> factory : factories) {
            if (factory.configType().equals(config.getClass())) {
                return ((ComponentFactory<C, T>) factory).create((C) config, context);
            }
        }
        throw new ConfigException(field + ": no plugin builds " + config.getClass().getSimpleName());
    }

}
