package org.saelab.runner.train;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.saelab.api.Batch;
import org.saelab.api.BatchStream;
import org.saelab.api.KSchedule;
import org.saelab.api.LossTerm;
import org.saelab.api.Sae;
import org.saelab.api.TrainingConfig;
import org.saelab.api.TrainingListener;
import org.saelab.api.TrainingState;
import org.saelab.api.TrainingStep;

/**
 * The training loop: a fresh batch every step (after the first {@link #PREFETCH_AFTER} steps,
 * generated on a second thread while the current step trains), forward and backward through the
 * SAE and loss terms, Adam, listeners. Everything a step touches is allocated before the first
 * step, but for the data thread's ring of batches, made once when that thread starts.
 */
public final class Trainer {
    /**
     * Steps trained before the data thread starts ({@code -Dsaelab.prefetchAfter=N}). Measured on
     * a 2-core machine, {@code ./saelab run post-case1} paired 5 times: 1,000 took a median 0.93
     * of the wall time of 0 (13.9 s against 14.6 s); the first 250 steps take several
     * milliseconds each while C2 compiles the kernels.
     */
    static final long PREFETCH_AFTER = Long.getLong("saelab.prefetchAfter", 1000);
    private final TrainingConfig config;
    private final List<TrainingListener> listeners;
    private final long prefetchAfter;
    /** Whether the data thread waits for a core that no other training loop uses (the default constructor). */
    private final boolean onlyWithIdleCore;

    /** Training loops running now, in this JVM (a sweep runs several at once). */
    private static final AtomicInteger TRAINING = new AtomicInteger();
    /**
     * Steps between two looks for an idle core. Paired 3 times, {@code ./saelab run post-case2
     * --seeds 0,1 --threads 2} (two runs at a time on 2 cores) took 1.23 of the wall time with a
     * data thread per run that it takes with none (36.0 s against 29.5 s).
     */
    private static final long IDLE_CORE_RECHECK = 1000;

    /** Steps the default constructor trains before the data thread starts. */
    public static long defaultPrefetchAfter() {
        return PREFETCH_AFTER;
    }

    public Trainer(TrainingConfig config, List<TrainingListener> listeners) {
        this(config, listeners, PREFETCH_AFTER, true);
    }

    /**
     * A trainer whose data thread starts after {@code prefetchAfter} steps (0: from the first;
     * {@code Long.MAX_VALUE}: never), whether or not other loops train at the same time. The
     * batches, and so the results, are the same whatever it is; it only changes which thread
     * generates them. The default constructor starts it after {@link #PREFETCH_AFTER} steps, and
     * only while fewer training loops run in this JVM than there are cores (looking again every
     * {@value #IDLE_CORE_RECHECK} steps).
     */
    public Trainer(TrainingConfig config, List<TrainingListener> listeners, long prefetchAfter) {
        this(config, listeners, prefetchAfter, false);
    }

    private Trainer(TrainingConfig config, List<TrainingListener> listeners, long prefetchAfter,
            boolean onlyWithIdleCore) {
        this.config = requireNonNull(config, "config is null");
        this.listeners = List.copyOf(listeners);
        if (prefetchAfter < 0) {
            throw new IllegalArgumentException("prefetchAfter = " + prefetchAfter + ": must be >= 0");
        }
        this.prefetchAfter = prefetchAfter;
        this.onlyWithIdleCore = onlyWithIdleCore;
    }

    /**
     * Trains {@code sae} in place, at the architecture's {@code k} or as the config's k schedule
     * says; returns the loss of every step.
     */
    public float[] train(Sae sae, List<LossTerm> terms, BatchStream data, int numFeatures, double k) {
        return train(sae, terms, data, numFeatures, k, null);
    }

    /**
     * As {@link #train(Sae, List, BatchStream, int, double)}, saving a checkpoint every
     * {@code checkpointing.every()} steps and, if it has one, continuing from its checkpoint:
     * the result is then the same, bit for bit, as that of an uninterrupted run.
     */
    public float[] train(Sae sae, List<LossTerm> terms, BatchStream data, int numFeatures, double k,
            Checkpointing checkpointing) {
        Run run = begin(sae, terms, numFeatures, k, checkpointing);
        if (run.first > 0) {
            Batch skipped = new Batch(config.batchSize(), sae.inputDim(), numFeatures);
            for (long step = 0; step < run.first; step++) {
                data.next(skipped);
            }
        }
        try {
            drive(List.of(run), data);
        } catch (MemberFailure e) {
            throw e.failure;
        }
        return run.finish();
    }

    /** One SAE of {@link #trainTogether}: its trainer (config and listeners), SAE, loss terms, k and checkpoints. */
    public record Member(Trainer trainer, Sae sae, List<LossTerm> terms, double k, Checkpointing checkpointing) {
        public Member {
            requireNonNull(trainer, "trainer is null");
            requireNonNull(sae, "sae is null");
            terms = List.copyOf(terms);
        }
    }

    /** A member of {@link #trainTogether} failed: which one, and why. */
    public static final class MemberFailure extends RuntimeException {
        private final int member;
        private final RuntimeException failure;

        MemberFailure(int member, RuntimeException failure) {
            super(failure.getMessage(), failure);
            this.member = member;
            this.failure = failure;
        }

        /** The index of the member that failed. */
        public int member() {
            return member;
        }

        /** What it failed with. */
        public RuntimeException failure() {
            return failure;
        }
    }

    /**
     * Trains several SAEs on one stream of batches: each batch is generated once and every member
     * steps on it in turn, so each SAE sees the batches it would see trained alone on the same
     * stream and ends with the same parameters, bit for bit. The members must agree on steps,
     * batch size, input dimension and number of features, and none may resume from a checkpoint.
     * Returns each member's losses; {@link #stepSeconds} tells how long each one's steps took.
     * The first member's trainer decides when a data thread starts.
     */
    public static List<float[]> trainTogether(List<Member> members, BatchStream data, int numFeatures,
            double[] stepSeconds) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("no members to train");
        }
        if (stepSeconds != null && stepSeconds.length != members.size()) {
            throw new IllegalArgumentException("stepSeconds holds " + stepSeconds.length + " values for "
                    + members.size() + " members");
        }
        TrainingConfig first = members.get(0).trainer().config;
        int inputDim = members.get(0).sae().inputDim();
        List<Run> runs = new ArrayList<>();
        for (Member m : members) {
            TrainingConfig c = m.trainer().config;
            if (c.steps() != first.steps() || c.batchSize() != first.batchSize() || m.sae().inputDim() != inputDim) {
                throw new IllegalArgumentException("members differ in steps, batch size or input dimension ("
                        + c.steps() + "/" + c.batchSize() + "/" + m.sae().inputDim() + " vs " + first.steps() + "/"
                        + first.batchSize() + "/" + inputDim + ")");
            }
            if (m.checkpointing() != null && m.checkpointing().resumeFrom() != null) {
                throw new IllegalArgumentException("a member resumes from a checkpoint; train it alone");
            }
        }
        for (Member m : members) {
            runs.add(m.trainer().begin(m.sae(), m.terms(), numFeatures, m.k(), m.checkpointing()));
        }
        drive(runs, data);
        List<float[]> losses = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            try {
                losses.add(runs.get(i).finish());
            } catch (RuntimeException e) {
                throw new MemberFailure(i, e);
            }
            if (stepSeconds != null) {
                stepSeconds[i] = runs.get(i).stepNanos / 1e9;
            }
        }
        return losses;
    }

    /**
     * The steps of every run, all at the same step number, each batch stepped on by every run in
     * order; the batches come from this thread or, as the first run's trainer decides, a data thread.
     */
    private static void drive(List<Run> runs, BatchStream data) {
        Run lead = runs.get(0);
        Trainer policy = lead.trainer();
        long steps = lead.steps;
        long first = lead.first;
        // the first steps generate their batches on this thread, and the second core is left to the
        // JIT compilers, which are busiest then; from prefetchAfter on, a second thread generates
        // them. The stream is consumed in order either way, so the batches are the same.
        // -Dsaelab.prefetch=false generates every batch on this thread (for comparison)
        boolean prefetch = !"false".equals(System.getProperty("saelab.prefetch"));
        long prefetchFrom = prefetch && policy.prefetchAfter < Long.MAX_VALUE - first ? first + policy.prefetchAfter
                : Long.MAX_VALUE;
        // with the default policy the data thread starts only while fewer loops train than there
        // are cores: beside another run's training it slowed both
        Batch inline = new Batch(policy.config.batchSize(), lead.sae.inputDim(), lead.numFeatures);
        Prefetcher prefetcher = null;
        TRAINING.incrementAndGet();
        try {
            for (long step = first; step < steps; step++) {
                if (prefetcher == null && step >= prefetchFrom) {
                    if (!policy.onlyWithIdleCore || TRAINING.get() < Runtime.getRuntime().availableProcessors()) {
                        prefetcher = new Prefetcher(data, policy.config.batchSize(), lead.sae.inputDim(),
                                lead.numFeatures);
                    } else {
                        prefetchFrom = step + IDLE_CORE_RECHECK;
                    }
                }
                Batch batch;
                if (prefetcher != null) {
                    batch = prefetcher.next();
                } else {
                    data.next(inline);
                    batch = inline;
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new TrainingException("training interrupted at step " + (step + 1));
                }
                for (int r = 0; r < runs.size(); r++) {
                    Run run = runs.get(r);
                    try {
                        run.step(batch, step);
                    } catch (RuntimeException e) {
                        throw new MemberFailure(r, e);
                    }
                }
            }
        } finally {
            TRAINING.decrementAndGet();
            if (prefetcher != null) {
                prefetcher.close();
            }
        }
    }

    /** Sets up a run's state, Adam and losses (restored from its checkpoint if it has one) and tells the listeners. */
    private Run begin(Sae sae, List<LossTerm> terms, int numFeatures, double k, Checkpointing checkpointing) {
        long steps = config.steps();
        if (steps > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("training.samples = " + config.samples() + ": too many steps for one run");
        }
        Run run = new Run(sae, terms, numFeatures, k, checkpointing);
        if (checkpointing != null && checkpointing.resumeFrom() != null) {
            run.first = restore(checkpointing.resumeFrom(), sae, run.adam, run.state, run.losses, steps);
        }
        for (TrainingListener listener : listeners) {
            listener.onStart(steps, config.batchSize());
        }
        return run;
    }

    /** One SAE's training in progress. */
    private final class Run {
        final Sae sae;
        final List<LossTerm> terms;
        final int numFeatures;
        final Checkpointing checkpointing;
        final TrainingState state;
        final KSchedule schedule;
        final boolean constantK;
        final double k;
        final AdamOptimizer adam;
        final float[] losses;
        final float[] params;
        final long steps;
        final int every;
        long first;
        long stepNanos;

        Run(Sae sae, List<LossTerm> terms, int numFeatures, double k, Checkpointing checkpointing) {
            this.sae = sae;
            this.terms = terms;
            this.numFeatures = numFeatures;
            this.checkpointing = checkpointing;
            this.k = k;
            steps = config.steps();
            state = new TrainingState(config.batchSize(), sae.inputDim(), sae.width(), numFeatures);
            schedule = config.kSchedule();
            constantK = schedule.isConstant();
            state.k = k;
            adam = new AdamOptimizer(sae.parameters().data().length, config.learningRate(), config.adamBeta1(),
                    config.adamBeta2(), config.adamEpsilon());
            losses = new float[(int) steps];
            params = sae.parameters().data();
            every = checkpointing == null ? 0 : checkpointing.every();
        }

        Trainer trainer() {
            return Trainer.this;
        }

        void step(Batch batch, long step) {
            long started = System.nanoTime();
            state.batch = batch;
            state.step = step;
            if (!constantK) {
                state.k = schedule.kAt(step, steps, k);
            }
            double loss = TrainingStep.forwardBackward(sae, terms, state);
            if (!Double.isFinite(loss)) {
                throw new TrainingException("loss is " + loss + " at step " + (step + 1)
                        + "; training stopped (try a lower training.learningRate)" + lastGood(checkpointing));
            }
            adam.step(params, state.grads);
            if (!Float.isFinite(sum(params))) {
                String where = firstNonFinite(sae);
                if (where != null) {
                    throw new TrainingException(where + " after step " + (step + 1)
                            + "; training stopped (try a lower training.learningRate)" + lastGood(checkpointing));
                }
            }
            TrainingStep.updateFiring(state);
            sae.afterStep(state);
            losses[(int) step] = (float) loss;
            for (int l = 0; l < listeners.size(); l++) {
                listeners.get(l).onStep(step + 1, loss, state, sae);
            }
            if (every > 0 && (step + 1) % every == 0 && step + 1 < steps) {
                save(checkpointing, step + 1, sae, adam, state, losses);
            }
            stepNanos += System.nanoTime() - started;
        }

        float[] finish() {
            checkFinite(params);
            for (TrainingListener listener : listeners) {
                listener.onFinish(steps);
            }
            return losses;
        }
    }

    private void save(Checkpointing checkpointing, long done, Sae sae, AdamOptimizer adam, TrainingState state,
            float[] losses) {
        checkFinite(sae.parameters().data());
        new Checkpoint(checkpointing.configHash(), done, sae.parameters().data().clone(), adam.moments(), adam.iteration(),
                state.stepsSinceFired.clone(), sae.threshold(), java.util.Arrays.copyOf(losses, (int) done),
                snapshots()).write(checkpointing.file());
    }

    private List<Snapshot> snapshots() {
        for (TrainingListener listener : listeners) {
            if (listener instanceof SnapshotRecorder recorder) {
                return recorder.snapshots();
            }
        }
        return List.of();
    }

    /** Puts the run back in the state of {@code checkpoint}; returns the number of steps done. */
    private long restore(Checkpoint checkpoint, Sae sae, AdamOptimizer adam, TrainingState state, float[] losses,
            long steps) {
        float[] params = sae.parameters().data();
        if (checkpoint.parameters().length != params.length || checkpoint.moments().length != 2 * params.length
                || checkpoint.stepsSinceFired().length != state.stepsSinceFired.length || checkpoint.step() >= steps
                || checkpoint.step() < 1) {
            throw new TrainingException("checkpoint at step " + checkpoint.step() + " does not fit this run ("
                    + params.length + " parameters, " + steps + " steps)");
        }
        System.arraycopy(checkpoint.parameters(), 0, params, 0, params.length);
        adam.restore(checkpoint.moments(), checkpoint.adamIteration());
        System.arraycopy(checkpoint.stepsSinceFired(), 0, state.stepsSinceFired, 0, state.stepsSinceFired.length);
        if (sae instanceof org.saelab.api.LinearSae linear) {
            linear.setThreshold(checkpoint.threshold());
        }
        System.arraycopy(checkpoint.losses(), 0, losses, 0, (int) checkpoint.step());
        for (TrainingListener listener : listeners) {
            if (listener instanceof SnapshotRecorder recorder) {
                recorder.restore(checkpoint.snapshots());
            }
        }
        return checkpoint.step();
    }

    /**
     * The sum of the parameters: not finite if one of them is not (or, rarely, if it overflows).
     * Eight independent sums, so that the loop does not wait on each addition.
     */
    private static float sum(float[] values) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        float s4 = 0;
        float s5 = 0;
        float s6 = 0;
        float s7 = 0;
        int i = 0;
        for (; i + 8 <= values.length; i += 8) {
            s0 += values[i];
            s1 += values[i + 1];
            s2 += values[i + 2];
            s3 += values[i + 3];
            s4 += values[i + 4];
            s5 += values[i + 5];
            s6 += values[i + 6];
            s7 += values[i + 7];
        }
        for (; i < values.length; i++) {
            s0 += values[i];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** "W_dec[3][17] is NaN" for the first non-finite parameter, or null if all are finite. */
    static String firstNonFinite(Sae sae) {
        org.saelab.api.SaeParameters p = sae.parameters();
        float[] data = p.data();
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                String tensor;
                if (i < p.bEncOffset()) {
                    tensor = "W_enc[" + (i / p.width()) + "][" + (i % p.width()) + "]";
                } else if (i < p.wDecOffset()) {
                    tensor = "b_enc[" + (i - p.bEncOffset()) + "]";
                } else if (i < p.bDecOffset()) {
                    int j = i - p.wDecOffset();
                    tensor = "W_dec[" + (j / p.inputDim()) + "][" + (j % p.inputDim()) + "]";
                } else {
                    tensor = "b_dec[" + (i - p.bDecOffset()) + "]";
                }
                return tensor + " is " + data[i];
            }
        }
        return null;
    }

    private static String lastGood(Checkpointing checkpointing) {
        if (checkpointing == null || checkpointing.every() == 0 || !java.nio.file.Files.exists(checkpointing.file())) {
            return "";
        }
        return "; the last good checkpoint is " + checkpointing.file();
    }

    private static void checkFinite(float[] params) {
        for (int i = 0; i < params.length; i++) {
            if (!Float.isFinite(params[i])) {
                throw new TrainingException("parameter " + i + " is " + params[i] + " after training");
            }
        }
    }
}
