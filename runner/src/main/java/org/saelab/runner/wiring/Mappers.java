package org.saelab.runner.wiring;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.saelab.api.ComponentFactory;

/**
 * The ObjectMappers of saelab. Config subtypes are registered from the factory maps, so the name
 * in a config file and the factory's name cannot drift apart. Strict: unknown fields, missing
 * fields and nulls for numbers are errors. Map keys are sorted for diffable output.
 */
public final class Mappers {
    private Mappers() {}

    public static ObjectMapper json(List<Map<String, ? extends ComponentFactory<?, ?>>> factoryMaps) {
        return configure(JsonMapper.builder().build(), factoryMaps);
    }

    public static ObjectMapper yaml(List<Map<String, ? extends ComponentFactory<?, ?>>> factoryMaps) {
        return configure(YAMLMapper.builder().build(), factoryMaps);
    }

    public static ObjectMapper json(PluginRegistry registry) {
        return json(factoryMaps(registry));
    }

    public static ObjectMapper yaml(PluginRegistry registry) {
        return yaml(factoryMaps(registry));
    }

    static List<Map<String, ? extends ComponentFactory<?, ?>>> factoryMaps(PluginRegistry registry) {
        return List.of(registry.samplers(), registry.architectures(), registry.lossTerms());
    }

    private static ObjectMapper configure(ObjectMapper mapper, List<Map<String, ? extends ComponentFactory<?, ?>>> maps) {
        List<NamedType> types = new ArrayList<>();
        for (Map<String, ? extends ComponentFactory<?, ?>> map : maps) {
            map.forEach((name, factory) -> types.add(new NamedType(factory.configType(), name)));
        }
        mapper.registerSubtypes(types.toArray(NamedType[]::new));
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);
        mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
        mapper.enable(SerializationFeature.INDENT_OUTPUT);
        mapper.disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        return mapper;
    }
}
