package org.saelab.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.saelab.api.ConfigException;
import org.saelab.api.LossTerm;
import org.saelab.api.LossTermConfig;
import org.saelab.api.LossTermFactory;
import org.saelab.api.Plugin;
import org.saelab.api.RunContext;
import org.saelab.api.SeedStreams;
import org.saelab.api.TrainingState;
import org.saelab.api.TrainingStep;
import org.saelab.losses.auxk.AuxKConfig;
import org.saelab.losses.auxk.AuxKFactory;
import org.saelab.losses.auxk.AuxKTerm;
import org.saelab.losses.mse.MseConfig;
import org.saelab.losses.mse.MseFactory;
import org.saelab.losses.mse.MseTerm;
import org.saelab.runner.wiring.Mappers;
import org.saelab.runner.wiring.PluginRegistry;

/** The three plugin checks for mse and auxk (discovery, config round trip, factories) and validation. */
class LossesPluginTest {
    private final PluginRegistry registry = PluginRegistry.discover(getClass().getClassLoader());

    @Test
    void serviceLoaderFindsThePluginAndTheRegistryNamesBothTerms() {
        List<String> plugins = new ArrayList<>();
        ServiceLoader.load(Plugin.class, getClass().getClassLoader()).forEach(p -> plugins.add(p.getClass().getName()));
        assertTrue(plugins.contains(LossesPlugin.class.getName()), plugins.toString());
        assertInstanceOf(MseFactory.class, registry.lossTerms().get("mse"), registry.lossTerms().keySet().toString());
        assertInstanceOf(AuxKFactory.class, registry.lossTerms().get("auxk"), registry.lossTerms().keySet().toString());
        assertEquals(MseConfig.class, registry.lossTerms().get("mse").configType());
        assertEquals(AuxKConfig.class, registry.lossTerms().get("auxk").configType());
        registry.lossTerms().values().forEach(f -> assertFalse(f.description().isBlank(), f.name()));
    }

    @Test
    void everyConfigRoundTripsThroughTheRunnersMapper() throws Exception {
        ObjectMapper mapper = Mappers.json(registry);
        List<LossTermConfig> configs = List.of(MseConfig.defaults(), new MseConfig(0.5, 2.0, 10), new MseConfig(2, 1.8, null),
                AuxKConfig.defaults(), new AuxKConfig(0.5, 250));
        for (LossTermConfig config : configs) {
            String json = mapper.writerFor(LossTermConfig.class).writeValueAsString(config);
            String type = config instanceof MseConfig ? "mse" : "auxk";
            assertTrue(json.replaceAll("\\s", "").contains("\"type\":\"" + type + "\""), json);
            assertEquals(config, mapper.readValue(json, LossTermConfig.class), json);
        }
        assertEquals(new MseConfig(0.5, 4.0, null),
                mapper.readValue("{\"type\": \"mse\", \"weight\": 0.5, \"k\": 4, \"latents\": null}", LossTermConfig.class));
        assertEquals(new AuxKConfig(2, 10),
                mapper.readValue("{\"type\": \"auxk\", \"coefficient\": 2, \"deadWindow\": 10}", LossTermConfig.class));
    }

    @Test
    void defaultsAreSaeLenss() {
        assertEquals(new MseConfig(1, null, null), MseConfig.defaults());
        assertEquals(new AuxKConfig(1, 1000), AuxKConfig.defaults(), "AuxK coefficient 1, dead after 1000 steps");
    }

    private static void assertRejected(Executable build, String fieldAndValue) {
        ConfigException e = assertThrows(ConfigException.class, build);
        assertTrue(e.getMessage().contains(fieldAndValue), "expected '" + fieldAndValue + "' in: " + e.getMessage());
    }

    @Test
    void invalidValuesAreRejectedNamingTheFieldAndValue() {
        assertRejected(() -> new MseConfig(-1, null, null), "loss.weight = -1.0");
        assertRejected(() -> new MseConfig(Double.NaN, null, null), "loss.weight = NaN");
        assertRejected(() -> new MseConfig(1, 0.0, null), "loss.k = 0.0");
        assertRejected(() -> new MseConfig(1, -2.0, null), "loss.k = -2.0");
        assertRejected(() -> new MseConfig(1, null, 0), "loss.latents = 0");
        assertRejected(() -> new AuxKConfig(-0.5, 1000), "loss.coefficient = -0.5");
        assertRejected(() -> new AuxKConfig(1, -1), "loss.deadWindow = -1");
    }

    @Test
    void anInvalidValueInAConfigFileFailsNamingTheField() {
        ObjectMapper mapper = Mappers.json(registry);
        Exception e = assertThrows(Exception.class,
                () -> mapper.readValue("{\"type\": \"mse\", \"weight\": -1, \"k\": null, \"latents\": null}", LossTermConfig.class));
        Throwable cause = e;
        while (cause != null && !(cause instanceof ConfigException)) {
            cause = cause.getCause();
        }
        assertInstanceOf(ConfigException.class, cause, "cause chain of " + e);
        assertTrue(cause.getMessage().contains("loss.weight = -1.0"), cause.getMessage());
    }

    private static <C extends LossTermConfig> LossTerm fromDefaults(LossTermFactory<C> factory) {
        return factory.create(factory.defaultConfig(), new RunContext(new SeedStreams(0), List.of(), TestSaes.INPUT_DIM));
    }

    @Test
    void factoriesBuildWorkingTermsFromDefaults() {
        LossTerm mse = fromDefaults(registry.lossTerms().get("mse"));
        LossTerm auxK = fromDefaults(registry.lossTerms().get("auxk"));
        assertInstanceOf(MseTerm.class, mse);
        assertInstanceOf(AuxKTerm.class, auxK);
        TrainingState state = TestSaes.state(3);
        double mseOnly = TrainingStep.forwardBackward(TestSaes.batchTopK(), List.of(mse), state);
        double both = TrainingStep.forwardBackward(TestSaes.batchTopK(), List.of(mse, auxK), state);
        assertTrue(Double.isFinite(mseOnly) && mseOnly > 0, "mse " + mseOnly);
        assertTrue(both > mseOnly, "auxk adds a positive term with 3 dead latents: " + both + " vs " + mseOnly);
    }
}
