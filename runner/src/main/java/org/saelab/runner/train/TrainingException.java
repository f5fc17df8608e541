package org.saelab.runner.train;

/** Training could not go on (a non-finite loss or parameter). */
public final class TrainingException extends RuntimeException {
    public TrainingException(String message) {
        super(message);
    }
}
