package org.saelab.api;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A plugin component named by type, with the settings that differ from the plugin's defaults.
 * Experiments use it to name samplers, architectures and loss terms without depending on the
 * modules that implement them.
 */
public record ComponentSpec(String type, Map<String, Object> settings) {
    public ComponentSpec {
        requireNonNull(type, "type is null");
        settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    public static ComponentSpec of(String type) {
        return new ComponentSpec(type, Map.of());
    }

    /** {@code of("batchtopk", "dSae", 20, "k", 5)}: settings as name/value pairs, in order. */
    public static ComponentSpec of(String type, Object... nameValuePairs) {
        if (nameValuePairs.length % 2 != 0) {
            throw new IllegalArgumentException("settings of " + type + " must be name/value pairs");
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            settings.put((String) nameValuePairs[i], nameValuePairs[i + 1]);
        }
        return new ComponentSpec(type, settings);
    }
}
