package org.saelab.runner.train;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.saelab.api.Batch;
import org.saelab.api.BatchStream;

/**
 * Generates the next batch on its own thread while the current one trains. Two buffers
 * circulate between the threads; the stream is consumed in order, so the batches are exactly
 * those of a single-threaded loop.
 */
final class Prefetcher implements AutoCloseable {
    private final BlockingQueue<Batch> empty = new ArrayBlockingQueue<>(3);
    private final BlockingQueue<Batch> full = new ArrayBlockingQueue<>(3);
    private final Thread thread;
    private volatile Throwable failure;
    private Batch current;

    Prefetcher(BatchStream stream, int batchSize, int inputDim, int numFeatures) {
        for (int i = 0; i < 3; i++) {
            empty.add(new Batch(batchSize, inputDim, numFeatures));
        }
        thread = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Batch batch = empty.take();
                    stream.next(batch);
                    full.put(batch);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                failure = t;
            }
        }, "saelab-data");
        thread.setDaemon(true);
        thread.start();
    }

    /** The next batch; the previous one goes back to the generator. */
    Batch next() {
        try {
            if (current != null) {
                empty.put(current);
            }
            Batch batch;
            while ((batch = full.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS)) == null) {
                if (failure != null) {
                    throw new IllegalStateException("data generation failed: " + failure, failure);
                }
            }
            current = batch;
            return batch;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for data", e);
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
