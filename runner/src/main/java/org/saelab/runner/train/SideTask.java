package org.saelab.runner.train;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.FutureTask;

/**
 * Work handed to the common fork-join pool so that it can run beside the caller's own work. A
 * task that no pool thread has taken yet when its result is asked for runs on the asking
 * thread, so waiting never depends on a free pool thread (the pool has one thread on a 2-core
 * machine, and the runs of a sweep share it). Each task computes the same value whichever
 * thread runs it: use it only for work that depends on nothing but its inputs.
 */
public final class SideTask<T> {
    /** Work that may throw an {@link IOException}, which {@link #join} rethrows as it is. */
    @FunctionalInterface
    public interface Work<T> {
        T call() throws IOException;
    }

    private final FutureTask<T> task;

    private SideTask(Work<T> work) {
        requireNonNull(work, "work is null");
        this.task = new FutureTask<>(work::call);
    }

    /** Queues {@code work} on the common pool. */
    public static <T> SideTask<T> start(Work<T> work) {
        SideTask<T> side = new SideTask<>(work);
        ForkJoinPool.commonPool().execute(side.task);
        return side;
    }

    /**
     * Starts {@code work} on a new daemon thread of its own: for work that waits (a process, a
     * native library being loaded) and should not hold the pool's thread.
     */
    public static <T> SideTask<T> startOnOwnThread(String threadName, Work<T> work) {
        SideTask<T> side = new SideTask<>(work);
        Thread thread = new Thread(side.task, requireNonNull(threadName, "threadName is null"));
        thread.setDaemon(true);
        thread.start();
        return side;
    }

    /** The result; runs the work here if no pool thread has started it. Rethrows its exception unwrapped. */
    public T join() throws IOException {
        task.run();
        return await();
    }

    /** As {@link #join}, with an {@link IOException} wrapped in an {@link UncheckedIOException}. */
    public T joinUnchecked() {
        try {
            return join();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /**
     * Runs here every task that no pool thread has started, waits for all, then rethrows the
     * exception of the first task (in list order) that failed: when it returns or throws, none
     * of the tasks is still running.
     */
    public static void joinAll(List<? extends SideTask<?>> tasks) throws IOException {
        for (SideTask<?> task : tasks) {
            task.task.run();
        }
        Throwable failure = null;
        for (SideTask<?> task : tasks) {
            try {
                task.await();
            } catch (IOException | RuntimeException | Error e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
    }

    private T await() throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get();
                } catch (InterruptedException e) {
                    // the work may be writing into a folder the caller cleans up: let it finish first
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
