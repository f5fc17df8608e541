package org.saelab.runner.saelens;

/** A SAELens folder that is missing, malformed or unsupported; the message names the file and field. */
public final class SaeLensException extends IllegalArgumentException {
    public SaeLensException(String message) {
        super(message);
    }

    public SaeLensException(String message, Throwable cause) {
        super(message, cause);
    }
}
