package org.saelab.api;

/** A bad config value: the message names the field and the value. */
public final class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
        super(message);
    }

    public static void check(boolean condition, String field, Object value, String requirement) {
        if (!condition) {
            throw new ConfigException(field + " = " + value + ": " + requirement);
        }
    }

    public static void checkProbability(String field, double value) {
        check(value >= 0 && value <= 1 && !Double.isNaN(value), field, value, "must be a probability in [0, 1]");
    }

    public static void checkPositive(String field, double value) {
        check(value > 0 && !Double.isNaN(value), field, value, "must be > 0");
    }
}
