package org.saelab.api;

/** An endless, seeded stream of batches: same seed, same batches, bit for bit. */
public interface BatchStream {
    /** Overwrites {@code batch} with the next {@code batch.size()} samples. */
    void next(Batch batch);
}
