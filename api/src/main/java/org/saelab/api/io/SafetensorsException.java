package org.saelab.api.io;

/** A safetensors file that is malformed or truncated; the message says where and why. */
public final class SafetensorsException extends RuntimeException {
    public SafetensorsException(String message) {
        super(message);
    }

    public SafetensorsException(String message, Throwable cause) {
        super(message, cause);
    }
}
