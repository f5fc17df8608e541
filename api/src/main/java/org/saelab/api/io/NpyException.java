package org.saelab.api.io;

/** An npy file that is malformed, truncated or of an unsupported kind; the message names file and field. */
public final class NpyException extends IllegalArgumentException {
    public NpyException(String message) {
        super(message);
    }
}
