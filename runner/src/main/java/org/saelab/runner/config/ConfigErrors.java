package org.saelab.runner.config;

import java.util.List;

/** Every problem found in a configuration, reported together before anything runs. */
public final class ConfigErrors extends RuntimeException {
    private final List<String> errors;

    public ConfigErrors(List<String> errors) {
        super(format(errors));
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }

    private static String format(List<String> errors) {
        if (errors.size() == 1) {
            return errors.get(0);
        }
        StringBuilder out = new StringBuilder(errors.size() + " configuration errors:");
        for (int i = 0; i < errors.size(); i++) {
            out.append('\n').append(i + 1).append(". ").append(errors.get(i));
        }
        return out.toString();
    }
}
