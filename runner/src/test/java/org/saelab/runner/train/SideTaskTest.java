package org.saelab.runner.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SideTaskTest {
    @Test
    void joinGivesTheResultAndRunsEachTaskOnce() throws IOException {
        AtomicInteger runs = new AtomicInteger();
        List<SideTask<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int value = i;
            tasks.add(SideTask.start(() -> {
                runs.incrementAndGet();
                return value * value;
            }));
        }
        for (int i = 0; i < tasks.size(); i++) {
            assertEquals(i * i, tasks.get(i).join());
            assertEquals(i * i, tasks.get(i).join(), "a second join gives the same result");
        }
        assertEquals(50, runs.get());
    }

    @Test
    void workNoPoolThreadHasTakenRunsOnTheCaller() throws Exception {
        // occupy every thread of the common pool, so the task below stays queued
        int parallelism = java.util.concurrent.ForkJoinPool.commonPool().getParallelism();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch busy = new CountDownLatch(parallelism);
        List<SideTask<Void>> blockers = new ArrayList<>();
        for (int i = 0; i < parallelism; i++) {
            blockers.add(SideTask.start(() -> {
                busy.countDown();
                awaitQuietly(release);
                return null;
            }));
        }
        try {
            assertTrue(busy.await(10, TimeUnit.SECONDS), "the pool's threads did not start");
            SideTask<Thread> queued = SideTask.start(Thread::currentThread);
            assertSame(Thread.currentThread(), queued.join(), "run by the caller, not left waiting for the pool");
        } finally {
            release.countDown();
            SideTask.joinAll(blockers);
        }
    }

    @Test
    void exceptionsComeBackAsTheyWereThrown() {
        FileSystemException full = new FileSystemException("eval_inputs.npy", null, "No space left on device");
        SideTask<Void> io = SideTask.start(() -> {
            throw full;
        });
        assertSame(full, assertThrows(FileSystemException.class, io::join));
        IllegalStateException state = new IllegalStateException("bad");
        SideTask<Void> runtime = SideTask.start(() -> {
            throw state;
        });
        assertSame(state, assertThrows(IllegalStateException.class, runtime::join));
        assertSame(state, assertThrows(IllegalStateException.class, runtime::joinUnchecked));
        SideTask<Void> ioUnchecked = SideTask.start(() -> {
            throw full;
        });
        assertSame(full, assertThrows(java.io.UncheckedIOException.class, ioUnchecked::joinUnchecked).getCause());
    }

    @Test
    void joinAllWaitsForEveryTaskAndReportsTheFirstFailureInListOrder() {
        AtomicBoolean slowFinished = new AtomicBoolean();
        IOException first = new IOException("first in the list, last to fail");
        List<SideTask<Void>> tasks = List.of(
                SideTask.startOnOwnThread("slow", () -> {
                    sleep(300);
                    slowFinished.set(true);
                    throw first;
                }),
                SideTask.start(() -> {
                    throw new IllegalStateException("second in the list, first to fail");
                }));
        IOException thrown = assertThrows(IOException.class, () -> SideTask.joinAll(tasks));
        assertSame(first, thrown);
        assertTrue(slowFinished.get(), "joinAll returned while a task was still running");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
