package org.saelab.runner.wiring;

/** A problem with the plugins found at startup (none found, a name claimed twice). */
public final class PluginException extends RuntimeException {
    public PluginException(String message) {
        super(message);
    }
}
