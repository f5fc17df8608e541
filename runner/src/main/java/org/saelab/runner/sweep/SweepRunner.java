package org.saelab.runner.sweep;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

    /** Trains prepared runs with up to {@code threads} at a time; results in plan order. */
    public List<Finished> run(Prepared sweep, Path experimentDir, int threads, SweepListener listener) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads = " + threads + ": must be >= 1");
        }
        List<PlannedRun> runs = sweep.runs;
        List<RunExecutor.Prepared> prepared = sweep.prepared;
        List<TrainingListener> listeners = sweep.listeners;
        long totalSteps = sweep.totalSteps;
        int poolSize = Math.min(threads, runs.size());
        checkMemory(prepared, poolSize);
        listener.onSweepStart(runs.size(), totalSteps, poolSize);
        List<Finished> finished = new ArrayList<>();
        if (poolSize == 1) {
            for (int i = 0; i < runs.size(); i++) {
                finished.add(runOne(runs.get(i), prepared.get(i), listeners.get(i), experimentDir, listener, runs.size()));
            }
            listener.onSweepFinished();
            return finished;
        }
        ExecutorService pool = Executors.newFixedThreadPool(poolSize, daemonThreads());
        try {
            List<Future<Finished>> futures = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                int index = i;
                futures.add(pool.submit(() -> runOne(runs.get(index), prepared.get(index), listeners.get(index),
                        experimentDir, listener, runs.size())));
            }
            for (Future<Finished> future : futures) {
                try {
                    finished.add(future.get());
                } catch (ExecutionException e) {
                    for (Future<Finished> other : futures) {
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
        return finished;
    }

    /** Refuses, before anything trains, a sweep whose largest runs at once would not fit the heap. */
    static void checkMemory(List<RunExecutor.Prepared> prepared, int parallel) {
        List<Long> sizes = prepared.stream().map(RunExecutor::estimateBytes).sorted(java.util.Comparator.reverseOrder())
                .toList();
        long needed = 0;
        for (int i = 0; i < Math.min(parallel, sizes.size()); i++) {
            needed += sizes.get(i);
        }
        long available = Runtime.getRuntime().maxMemory();
        if (needed > 0.9 * available) {
            throw new ConfigErrors(List.of(String.format(java.util.Locale.ROOT,
                    "memory: %d run(s) at once need about %,d MB but the heap holds at most %,d MB; lower "
                            + "evaluation.samples, training.batchSize or --threads, or raise -Xmx (SAELAB_JAVA_OPTS)",
                    Math.min(parallel, sizes.size()), needed >> 20, available >> 20)));
        }
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
