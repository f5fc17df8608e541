package org.saelab.runner.format;

/** A safetensors file that is malformed or truncated; the message says where and why. */
public final class SafetensorsException extends RuntimeException {
    public SafetensorsException(String message) {
        super(message);
    }

    public SafetensorsException(String message, Throwable cause) {
        super(message, cause);
    }
}
