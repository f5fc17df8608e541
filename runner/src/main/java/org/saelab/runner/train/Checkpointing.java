package org.saelab.runner.train;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * Where and how often a run saves its state, and the checkpoint it resumes from (null: start).
 *
 * @param every steps between checkpoints (0: never)
 * @param configHash the run config's hash, stored in each checkpoint and checked on resume
 */
public record Checkpointing(Path file, int every, Checkpoint resumeFrom, String configHash) {
    public Checkpointing {
        requireNonNull(file, "file is null");
        requireNonNull(configHash, "configHash is null");
        if (every < 0) {
            throw new IllegalArgumentException("every = " + every + ": must be >= 0");
        }
    }
}
