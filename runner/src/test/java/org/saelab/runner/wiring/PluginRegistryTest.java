package org.saelab.runner.wiring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.saelab.api.EvaluationContext;
import org.saelab.api.Metric;
import org.saelab.api.MetricValue;
import org.saelab.api.Plugin;

class PluginRegistryTest {
    private static Metric metric(String name) {
        return new Metric() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String description() {
                return "test metric " + name;
            }

            @Override
            public MetricValue compute(EvaluationContext context) {
                return MetricValue.of(1.0);
            }
        };
    }

    private static Plugin plugin(String pluginName, String... metricNames) {
        return new Plugin() {
            @Override
            public String name() {
                return pluginName;
            }

            @Override
            public List<Metric> metrics() {
                return java.util.Arrays.stream(metricNames).map(PluginRegistryTest::metric).toList();
            }
        };
    }

    @Test
    void aNameClaimedTwiceNamesBothPlugins() {
        PluginException e = assertThrows(PluginException.class,
                () -> PluginRegistry.of(List.of(plugin("first-plugin", "a", "b"), plugin("second-plugin", "b"))));
        assertTrue(e.getMessage().contains("'b'") && e.getMessage().contains("first-plugin")
                && e.getMessage().contains("second-plugin"), e.getMessage());
    }

    @Test
    void offeringsAreSortedByName() {
        PluginRegistry registry = PluginRegistry.of(List.of(plugin("p", "zeta", "alpha", "mid")));
        assertEquals(List.of("alpha", "mid", "zeta"), List.copyOf(registry.metrics().keySet()));
    }
}
