package org.saelab.api;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** What a factory may use to build its component: seeds, the run's listeners, the data shape. */
public final class RunContext {
    private final SeedStreams seeds;
    private final List<TrainingListener> listeners;
    private final int inputDim;

    /**
     * @param inputDim the data's dimension (d_in), which architectures need and their configs
     *     do not carry
     */
    public RunContext(SeedStreams seeds, List<TrainingListener> listeners, int inputDim) {
        this.seeds = requireNonNull(seeds, "seeds is null");
        this.listeners = List.copyOf(listeners);
        this.inputDim = inputDim;
    }

    public int inputDim() {
        return inputDim;
    }

    public SeedStreams seeds() {
        return seeds;
    }

    public List<TrainingListener> listeners() {
        return listeners;
    }
}
