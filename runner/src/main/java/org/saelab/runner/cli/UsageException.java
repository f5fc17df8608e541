package org.saelab.runner.cli;

/** Bad input on the command line (e.g. an unknown experiment name). */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
