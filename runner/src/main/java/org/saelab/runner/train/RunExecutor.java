package org.saelab.runner.train;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.saelab.api.Batch;
import org.saelab.api.BatchStream;
import org.saelab.api.EvaluationConfig;
import org.saelab.api.KSchedule;
import org.saelab.api.MetricValue;
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
        // load ND4J's native backend now (or wait for the CLI's background load), so its start-up
        // is not counted as training time
        NativeBackend.await();
        KSchedule schedule = spec.training().kSchedule();
        if (!schedule.isConstant()) {
            ConfigException.check(schedule.maxK(sae.k()) <= sae.width(), "training.kSchedule", schedule.start() + " → "
                    + schedule.end(), "k must stay <= the SAE's width (" + sae.width() + ")");
        }
        if (spec.training().snapshotEvery() > 0) {
            ConfigException.check(Evaluator.directions(sampler) != null, "training.snapshotEvery",
                    spec.training().snapshotEvery(), "snapshots need a sampler with true directions");
        }
        if ("ground-truth".equals(spec.training().init())) {
            sae.initialiseToDirections(sampler.directionsData(), sampler.numFeatures());
        }
        return new Prepared(spec, seeds, sampler, sae, List.copyOf(terms));
    }

    public RunOutcome run(Prepared prepared, List<TrainingListener> listeners, List<Metric> metrics) {
        return run(prepared, listeners, metrics, null);
    }

    /** As {@link #run(Prepared, List, List)}, with checkpoints (null: none). */
    public RunOutcome run(Prepared prepared, List<TrainingListener> listeners, List<Metric> metrics,
            Checkpointing checkpointing) {
        SnapshotRecorder recorder = recorder(prepared);
        Sae sae = prepared.sae();
        long start = System.nanoTime();
        float[] losses = trainer(prepared, listeners, recorder).train(sae, prepared.terms(), trainingStream(prepared),
                prepared.sampler().numFeatures(), sae.k(), checkpointing);
        double trainingSeconds = (System.nanoTime() - start) / 1e9;
        return evaluate(prepared, losses, trainingSeconds, recorder, metrics);
    }

    /**
     * The key of a run's training batches: runs with equal keys read the same stream of batches
     * (the same sampler, seed, batch size and number of steps), so {@link #runTogether} can train
     * them on one stream.
     */
    public static List<Object> streamKey(RunSpec spec) {
        return List.of(spec.sampler(), spec.training().seed(), spec.training().batchSize(), spec.training().steps());
    }

    /** A run trained but not yet evaluated: its losses, training seconds and snapshots. */
    public record Trained(Prepared prepared, float[] losses, double trainingSeconds, SnapshotRecorder recorder) {}

    /**
     * Trains runs of one {@link #streamKey} on one stream, each batch generated once (see
     * {@link Trainer#trainTogether}); {@link #evaluate} each then gives the outcome {@link #run}
     * gives it alone. A run's training seconds are its share of the group's wall time, in
     * proportion to the time its own steps took. A failing run throws a
     * {@link Trainer.MemberFailure} naming it.
     */
    public List<Trained> trainTogether(List<Prepared> group, List<List<TrainingListener>> listeners,
            List<Checkpointing> checkpointing) {
        Object key = streamKey(group.get(0).spec());
        List<Trainer.Member> members = new ArrayList<>();
        List<SnapshotRecorder> recorders = new ArrayList<>();
        for (int i = 0; i < group.size(); i++) {
            Prepared prepared = group.get(i);
            // each run draws its own training-data seed (so that its provenance lists it), the lead's
            if (!streamKey(prepared.spec()).equals(key)
                    || prepared.seeds().seed("data.training") != group.get(0).seeds().seed("data.training")) {
                throw new IllegalArgumentException("run " + i + " reads another stream of batches than run 0");
            }
            SnapshotRecorder recorder = recorder(prepared);
            recorders.add(recorder);
            members.add(new Trainer.Member(trainer(prepared, listeners.get(i), recorder), prepared.sae(),
                    prepared.terms(), prepared.sae().k(), checkpointing.get(i)));
        }
        double[] stepSeconds = new double[group.size()];
        long start = System.nanoTime();
        List<float[]> losses = Trainer.trainTogether(members, trainingStream(group.get(0)),
                group.get(0).sampler().numFeatures(), stepSeconds);
        double wall = (System.nanoTime() - start) / 1e9;
        double stepped = 0;
        for (double s : stepSeconds) {
            stepped += s;
        }
        List<Trained> trained = new ArrayList<>();
        for (int i = 0; i < group.size(); i++) {
            double share = stepped > 0 ? wall * stepSeconds[i] / stepped : wall / group.size();
            trained.add(new Trained(group.get(i), losses.get(i), share, recorders.get(i)));
        }
        return trained;
    }

    /** Evaluates a run trained by {@link #trainTogether}. */
    public RunOutcome evaluate(Trained trained, List<Metric> metrics) {
        return evaluate(trained.prepared(), trained.losses(), trained.trainingSeconds(), trained.recorder(), metrics);
    }

    private static BatchStream trainingStream(Prepared prepared) {
        return prepared.sampler().stream(prepared.seeds().seed("data.training"));
    }

    private static SnapshotRecorder recorder(Prepared prepared) {
        RunSpec spec = prepared.spec();
        if (spec.training().snapshotEvery() <= 0) {
            return null;
        }
        return new SnapshotRecorder(spec.training().snapshotEvery(), prepared.sampler().directionsData(),
                prepared.sampler().numFeatures());
    }

    private static Trainer trainer(Prepared prepared, List<TrainingListener> listeners, SnapshotRecorder recorder) {
        List<TrainingListener> all = new ArrayList<>(listeners);
        if (recorder != null) {
            all.add(recorder);
        }
        return new Trainer(prepared.spec().training(), all);
    }

    private RunOutcome evaluate(Prepared prepared, float[] losses, double trainingSeconds, SnapshotRecorder recorder,
            List<Metric> metrics) {
        RunSpec spec = prepared.spec();
        SeedStreams seeds = prepared.seeds();
        Sampler sampler = prepared.sampler();
        Sae sae = prepared.sae();
        EvaluationConfig config = spec.evaluation();
        // without an explicit evaluation.k, evaluate at the k training ended with
        double finalK = spec.training().kSchedule().kAt(spec.training().steps() - 1, spec.training().steps(), sae.k());
        Batch batch = Evaluator.sample(sampler, sampler.evaluationStream(seeds.seed("data.evaluation")), config);
        float[] directions = Evaluator.directions(sampler);
        boolean featuresKnown = Evaluator.featuresKnown(sampler);
        // the extra k's evaluations read the same SAE and batch, and nothing of the main one
        SideTask<Map<String, MetricValue>> atExtraK = config.extraK().isEmpty() ? null : SideTask.start(
                () -> Evaluator.metricsAtExtraK(sae, directions, batch, featuresKnown, config, metrics));
        EvaluationContext evaluation = Evaluator.context(sae, directions, batch, featuresKnown, config,
                config.k() != null ? config.k() : finalK, config.inference());
        Map<String, MetricValue> values = new LinkedHashMap<>(Evaluator.metrics(evaluation, metrics));
        if (atExtraK != null) {
            values.putAll(atExtraK.joinUnchecked());
        }
        return new RunOutcome(sae, sampler, losses, evaluation, values, seeds.derivedSeeds(), trainingSeconds,
                recorder == null ? List.of() : recorder.snapshots());
    }

    /**
     * About how many bytes of heap the run needs at once: parameters with their gradient, Adam
     * state and the SAE's working copies; the step's buffers and the prefetched batches; the
     * evaluation batch with its activations and reconstructions (and those of each extra k).
     */
    public static long estimateBytes(Prepared prepared) {
        long inputDim = prepared.sae().inputDim();
        long width = prepared.sae().width();
        long features = prepared.sampler().numFeatures();
        long parameters = 2 * inputDim * width + inputDim + width;
        long batch = prepared.spec().training().batchSize();
        long samples = prepared.spec().evaluation().samples();
        long floats = 8 * parameters
                + batch * (6 * inputDim + 6 * width + 4 * features)
                + samples * (2 * inputDim + 2 * width + features)
                + prepared.spec().evaluation().extraK().size() * samples * (inputDim + width);
        return 4 * floats;
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
