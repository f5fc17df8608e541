package org.saelab.runner.sweep;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.saelab.api.ConfigException;
import org.saelab.api.Metric;
import org.saelab.api.RunResult;
import org.saelab.api.TrainingListener;
import org.saelab.runner.config.ConfigErrors;
import org.saelab.runner.output.RunArtifacts;
import org.saelab.runner.output.RunWriter;
import org.saelab.runner.train.Checkpoint;
import org.saelab.runner.train.Checkpointing;
import org.saelab.runner.train.RunExecutor;
import org.saelab.runner.train.RunOutcome;
import org.saelab.runner.train.Trainer;
import org.saelab.runner.train.TrainingException;

/**
 * Trains an experiment's runs on a pool of threads and writes each run's folder as it finishes.
 * Every run builds its own components from its own seed, so the results do not depend on the
 * number of threads or the order runs finish in. Every run is built (and so validated) before
 * the first one trains; the first failure stops the others.
 */
public final class SweepRunner {
    private final RunExecutor executor;
    private final List<Metric> metrics;
    private final ResultBuilder results;
    private final RunWriter writer;
    private final String experiment;

    /** Checkpoints live in this folder of the experiment folder, one per unfinished run. */
    public static final String CHECKPOINTS = ".checkpoints";

    private int checkpointEvery;
    private boolean shareData = SHARE_DATA;

    public SweepRunner(RunExecutor executor, List<Metric> metrics, ResultBuilder results, RunWriter writer,
            String experiment) {
        this.executor = requireNonNull(executor, "executor is null");
        this.metrics = List.copyOf(metrics);
        this.results = requireNonNull(results, "results is null");
        this.writer = requireNonNull(writer, "writer is null");
        this.experiment = requireNonNull(experiment, "experiment is null");
    }

    /**
     * Saves each run's state every {@code steps} steps (0: never) to
     * {@code <experiment>/.checkpoints/<run>.safetensors}, and resumes a run from its checkpoint
     * there if one exists. A run's checkpoint is deleted once its folder is written.
     */
    public SweepRunner checkpointEvery(int steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("checkpoint interval = " + steps + ": must be >= 0");
        }
        checkpointEvery = steps;
        return this;
    }

    /**
     * Whether runs that read the same stream of batches train together on it (default: yes,
     * unless {@code -Dsaelab.shareData=false}).
     */
    public SweepRunner shareData(boolean share) {
        shareData = share;
        return this;
    }

    public static Path checkpointFile(Path experimentDir, PlannedRun run) {
        return experimentDir.resolve(CHECKPOINTS).resolve(run.dir() + ".safetensors");
    }

    /** A finished run: its plan, its result, and the folder it was written to. */
    public record Finished(PlannedRun run, RunResult result, Path dir) {}

    /** Runs built and validated, ready to train. */
    public static final class Prepared {
        private final List<PlannedRun> runs;
        private final List<RunExecutor.Prepared> prepared;
        private final List<TrainingListener> listeners;
        private final long totalSteps;

        private Prepared(List<PlannedRun> runs, List<RunExecutor.Prepared> prepared, List<TrainingListener> listeners,
                long totalSteps) {
            this.runs = List.copyOf(runs);
            this.prepared = List.copyOf(prepared);
            this.listeners = List.copyOf(listeners);
            this.totalSteps = totalSteps;
        }
    }

    /** Runs every run with up to {@code threads} at a time; results in plan order. */
    public List<Finished> run(List<PlannedRun> runs, Path experimentDir, int threads, SweepListener listener) {
        return run(prepare(runs, listener), experimentDir, threads, listener);
    }

    /**
     * Builds every run's components, collecting every configuration problem (run by run) into
     * one {@link ConfigErrors}; writes nothing.
     */
    public Prepared prepare(List<PlannedRun> runs, SweepListener listener) {
        return prepare(runs, listener, 1);
    }

    /** As {@link #prepare(List, SweepListener)}, also refusing runs that would not fit the heap {@code threads} at a time. */
    public Prepared prepare(List<PlannedRun> runs, SweepListener listener, int threads) {
        List<RunExecutor.Prepared> prepared = new ArrayList<>();
        List<TrainingListener> listeners = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        long totalSteps = 0;
        for (PlannedRun run : runs) {
            TrainingListener progress = listener.runListener(run);
            listeners.add(progress);
            try {
                prepared.add(executor.prepare(run.spec(), List.of(progress)));
            } catch (ConfigException e) {
                String message = runs.size() > 1 ? run.label() + ": " + e.getMessage() : e.getMessage();
                if (!errors.contains(message)) {
                    errors.add(message);
                }
                prepared.add(null);
            }
            totalSteps += run.spec().training().steps();
        }
        if (!errors.isEmpty()) {
            throw new ConfigErrors(errors);
        }
        checkMemory(prepared, Math.max(1, Math.min(threads, runs.size())));
        return new Prepared(runs, prepared, listeners, totalSteps);
    }

    /**
     * Whether runs that read the same stream of batches train together on it, each batch generated
     * once ({@code -Dsaelab.shareData=false} trains every run on its own stream, for comparison).
     * The results are the same either way.
     */
    static final boolean SHARE_DATA = !"false".equals(System.getProperty("saelab.shareData"));

    /** Trains prepared runs with up to {@code threads} at a time; results in plan order. */
    public List<Finished> run(Prepared sweep, Path experimentDir, int threads, SweepListener listener) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads = " + threads + ": must be >= 1");
        }
        List<PlannedRun> runs = sweep.runs;
        List<RunExecutor.Prepared> prepared = sweep.prepared;
        long totalSteps = sweep.totalSteps;
        int poolSize = Math.min(threads, runs.size());
        checkMemory(prepared, poolSize);
        List<List<Integer>> groups = groups(sweep, experimentDir, poolSize, shareData);
        listener.onSweepStart(runs.size(), totalSteps, Math.min(poolSize, groups.size()));
        Finished[] finished = new Finished[runs.size()];
        if (poolSize == 1) {
            for (List<Integer> group : groups) {
                List<Finished> done = runGroup(sweep, group, experimentDir, listener);
                for (int i = 0; i < done.size(); i++) {
                    finished[group.get(i)] = done.get(i);
                }
            }
            listener.onSweepFinished();
            return List.of(finished);
        }
        ExecutorService pool = Executors.newFixedThreadPool(poolSize, daemonThreads());
        try {
            List<Future<List<Finished>>> futures = new ArrayList<>();
            for (List<Integer> group : groups) {
                futures.add(pool.submit(() -> runGroup(sweep, group, experimentDir, listener)));
            }
            for (int g = 0; g < futures.size(); g++) {
                try {
                    List<Finished> done = futures.get(g).get();
                    for (int i = 0; i < done.size(); i++) {
                        finished[groups.get(g).get(i)] = done.get(i);
                    }
                } catch (ExecutionException e) {
                    for (Future<List<Finished>> other : futures) {
                        other.cancel(true);
                    }
                    throw unwrap(e.getCause());
                } catch (CancellationException e) {
                    throw new TrainingException("a run was cancelled");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrainingException("interrupted while waiting for runs");
        } finally {
            pool.shutdownNow();
        }
        listener.onSweepFinished();
        return List.of(finished);
    }

    static List<List<Integer>> groups(Prepared sweep, Path experimentDir, int threads, boolean share) {
        long[] bytes = sweep.prepared.stream().mapToLong(RunExecutor::estimateBytes).toArray();
        return groups(sweep.runs, bytes, (long) (0.9 * Runtime.getRuntime().maxMemory()),
                run -> Files.exists(checkpointFile(experimentDir, run)), threads, share);
    }

    /**
     * The runs (indices in plan order) that train together. Runs with the same
     * {@link RunExecutor#streamKey} that do not resume from a checkpoint go into groups no larger
     * than leaves about three groups per thread (so that the threads finish close together) and
     * lets the {@code threads} groups at once, of the largest runs ({@code bytes} each), fit in
     * {@code heap}; a key's runs are dealt out to its groups in turn, so their sizes differ by at
     * most one. Every other run trains alone. Groups are in the order of their first run.
     */
    static List<List<Integer>> groups(List<PlannedRun> runs, long[] bytes, long heap, Predicate<PlannedRun> resumes,
            int threads, boolean share) {
        int size = share ? Math.max(1, (runs.size() + 3 * threads - 1) / (3 * threads)) : 1;
        while (size > 1 && largestTotal(bytes, threads * size) > heap) {
            size--;
        }
        Map<Object, List<Integer>> byKey = new LinkedHashMap<>();
        List<List<Integer>> groups = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            if (size == 1 || resumes.test(runs.get(i))) {
                groups.add(List.of(i));
            } else {
                byKey.computeIfAbsent(RunExecutor.streamKey(runs.get(i).spec()), key -> new ArrayList<>()).add(i);
            }
        }
        for (List<Integer> members : byKey.values()) {
            // runs dealt out in turn, so that each group gets a share of the plan's costlier variants
            int count = (members.size() + size - 1) / size;
            for (int g = 0; g < count; g++) {
                List<Integer> group = new ArrayList<>();
                for (int m = g; m < members.size(); m += count) {
                    group.add(members.get(m));
                }
                groups.add(List.copyOf(group));
            }
        }
        groups.sort(Comparator.comparing(group -> group.get(0)));
        return groups;
    }

    /** Trains a group (one run alone, or several on one stream) and writes each run's folder. */
    private List<Finished> runGroup(Prepared sweep, List<Integer> group, Path experimentDir, SweepListener listener) {
        int runCount = sweep.runs.size();
        if (group.size() == 1) {
            int i = group.get(0);
            return List.of(runOne(sweep.runs.get(i), sweep.prepared.get(i), sweep.listeners.get(i), experimentDir,
                    listener, runCount));
        }
        Instant start = Instant.now();
        List<RunExecutor.Prepared> prepared = new ArrayList<>();
        List<List<TrainingListener>> listeners = new ArrayList<>();
        List<Checkpointing> checkpointing = new ArrayList<>();
        for (int i : group) {
            PlannedRun run = sweep.runs.get(i);
            prepared.add(sweep.prepared.get(i));
            listeners.add(List.of(sweep.listeners.get(i)));
            Path checkpointFile = checkpointFile(experimentDir, run);
            if (checkpointEvery > 0) {
                try {
                    Files.createDirectories(checkpointFile.getParent());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot create " + checkpointFile.getParent() + ": "
                            + e.getMessage(), e);
                }
            }
            checkpointing.add(new Checkpointing(checkpointFile, checkpointEvery, null, results.configHash(run.spec())));
        }
        List<RunExecutor.Trained> trained;
        try {
            trained = executor.trainTogether(prepared, listeners, checkpointing);
        } catch (Trainer.MemberFailure e) {
            throw labelled(sweep.runs.get(group.get(e.member())), e.failure(), runCount);
        }
        List<Finished> finished = new ArrayList<>();
        for (int g = 0; g < group.size(); g++) {
            PlannedRun run = sweep.runs.get(group.get(g));
            long evaluationStart = System.nanoTime();
            RunOutcome outcome;
            try {
                outcome = executor.evaluate(trained.get(g), metrics);
            } catch (TrainingException e) {
                throw labelled(run, e, runCount);
            }
            // the run's share of the training, its own evaluation
            double seconds = trained.get(g).trainingSeconds() + (System.nanoTime() - evaluationStart) / 1e9;
            finished.add(write(run, outcome, start, seconds, experimentDir, listener));
        }
        return finished;
    }

    private static RuntimeException labelled(PlannedRun run, RuntimeException e, int runCount) {
        if (runCount > 1 && e instanceof TrainingException) {
            return new TrainingException(run.label() + ": " + e.getMessage());
        }
        return e;
    }

    /** Refuses, before anything trains, a sweep whose largest runs at once would not fit the heap. */
    static void checkMemory(List<RunExecutor.Prepared> prepared, int parallel) {
        long needed = largestTotal(prepared.stream().mapToLong(RunExecutor::estimateBytes).toArray(), parallel);
        long available = Runtime.getRuntime().maxMemory();
        if (needed > 0.9 * available) {
            throw new ConfigErrors(List.of(String.format(java.util.Locale.ROOT,
                    "memory: %d run(s) at once need about %,d MB but the heap holds at most %,d MB; lower "
                            + "evaluation.samples, training.batchSize or --threads, or raise -Xmx (SAELAB_JAVA_OPTS)",
                    Math.min(parallel, prepared.size()), needed >> 20, available >> 20)));
        }
    }

    /** The sum of the {@code n} largest of {@code bytes}. */
    private static long largestTotal(long[] bytes, int n) {
        long[] sorted = bytes.clone();
        java.util.Arrays.sort(sorted);
        long total = 0;
        for (int i = 0; i < Math.min(n, sorted.length); i++) {
            total += sorted[sorted.length - 1 - i];
        }
        return total;
    }

    private Finished runOne(PlannedRun run, RunExecutor.Prepared prepared, TrainingListener progress,
            Path experimentDir, SweepListener listener, int runCount) {
        long started = System.nanoTime();
        Instant start = Instant.now();
        RunOutcome outcome;
        Path checkpointFile = checkpointFile(experimentDir, run);
        try {
            String hash = results.configHash(run.spec());
            Checkpoint resume = null;
            if (Files.isRegularFile(checkpointFile)) {
                resume = Checkpoint.read(checkpointFile);
                if (!resume.configHash().equals(hash)) {
                    throw new TrainingException("checkpoint " + checkpointFile + " belongs to another config (hash "
                            + resume.configHash() + ", this run " + hash + ")");
                }
            }
            Files.createDirectories(checkpointFile.getParent());
            outcome = executor.run(prepared, List.of(progress), metrics,
                    new Checkpointing(checkpointFile, checkpointEvery, resume, hash));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + checkpointFile.getParent() + ": " + e.getMessage(), e);
        } catch (TrainingException e) {
            throw runCount > 1 ? new TrainingException(run.label() + ": " + e.getMessage()) : e;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return write(run, outcome, start, seconds, experimentDir, listener);
    }

    /** Writes a run's folder, deletes its checkpoint and tells the listener. */
    private Finished write(PlannedRun run, RunOutcome outcome, Instant start, double seconds, Path experimentDir,
            SweepListener listener) {
        Path checkpointFile = checkpointFile(experimentDir, run);
        RunResult result = results.build(experiment, run.label(), run.spec(), outcome, start, seconds);
        Path dir = experimentDir.resolve(run.dir());
        try {
            Files.createDirectories(dir.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir.getParent() + ": " + e.getMessage(), e);
        }
        writer.write(dir, result, outcome.evaluation(), outcome.snapshots(),
                RunArtifacts.of(outcome.sae(), outcome.evaluation(), result));
        try {
            Files.deleteIfExists(checkpointFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + checkpointFile + ": " + e.getMessage(), e);
        }
        listener.onRunFinished(run, result, seconds);
        return new Finished(run, result, dir);
    }

    private static RuntimeException unwrap(Throwable cause) {
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(cause);
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "saelab-run-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
