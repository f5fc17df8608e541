package org.saelab.api;

/**
 * A named factory whose config record is chosen in config files by {@code type: <name>}.
 *
 * @param <C> the config record type
 * @param <T> what the factory builds
 */
public interface ComponentFactory<C, T> extends Named {
    Class<C> configType();

    /** The config used when a user names this component without further fields. */
    C defaultConfig();

    T create(C config, RunContext context);
}
