package org.saelab.runner.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.saelab.api.ArchitectureConfig;
import org.saelab.api.ComponentFactory;
import org.saelab.api.ComponentSpec;
import org.saelab.api.ExperimentSpec;
import org.saelab.api.ConfigException;
import org.saelab.api.EvaluationConfig;
import org.saelab.api.LossTermConfig;
import org.saelab.api.RunSpec;
import org.saelab.api.SamplerConfig;
import org.saelab.api.TrainingConfig;
import org.saelab.runner.wiring.PluginRegistry;

/**
 * Resolves the run spec a user asked for: the experiment's spec, patched by a YAML/JSON file
 * and by {@code --set path=value}, then validated. Every problem is collected and reported
 * together, each naming its path and value, before anything is built.
 */
public final class SpecResolver {
    private final ObjectMapper json;
    private final ObjectMapper yaml;
    private final PluginRegistry registry;

    public SpecResolver(ObjectMapper json, ObjectMapper yaml, PluginRegistry registry) {
        this.json = requireNonNull(json, "json is null");
        this.yaml = requireNonNull(yaml, "yaml is null");
        this.registry = requireNonNull(registry, "registry is null");
    }

    /** Patches to apply, in order: a config file, then {@code path=value} assignments. */
    public record Overrides(Path configFile, List<String> assignments) {
        public Overrides {
            assignments = List.copyOf(assignments);
        }

        public static Overrides none() {
            return new Overrides(null, List.of());
        }
    }

    public ObjectNode tree(RunSpec spec) {
        return json.valueToTree(spec);
    }

    /** The experiment's spec as a full tree: each component's plugin defaults with its settings applied. */
    public ObjectNode tree(ExperimentSpec spec, List<String> errors) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.set("sampler", component("sampler", spec.sampler(), errors));
        root.set("architecture", component("architecture", spec.architecture(), errors));
        ArrayNode loss = root.putArray("loss");
        for (int i = 0; i < spec.loss().size(); i++) {
            loss.add(component("loss." + i, spec.loss().get(i), errors));
        }
        root.set("training", json.valueToTree(spec.training()));
        root.set("evaluation", json.valueToTree(spec.evaluation()));
        return root;
    }

    private JsonNode component(String path, ComponentSpec component, List<String> errors) {
        ObjectNode node = defaults(path, component.type(), errors);
        if (node == null) {
            return JsonNodeFactory.instance.objectNode().put("type", component.type());
        }
        merge(node, (ObjectNode) json.valueToTree(component.settings()), path, errors);
        return node;
    }

    public RunSpec resolve(ExperimentSpec base, Overrides overrides) {
        List<String> errors = new ArrayList<>();
        ObjectNode root = tree(base, errors);
        if (!errors.isEmpty()) {
            throw new ConfigErrors(errors);
        }
        if (overrides.configFile() != null) {
            JsonNode file = readFile(overrides.configFile(), errors);
            if (file != null) {
                if (!file.isObject()) {
                    errors.add(overrides.configFile() + ": expected a mapping of run fields, found " + file.getNodeType());
                } else {
                    ObjectNode patch = (ObjectNode) file;
                    if (patch.has("data") && !patch.has("sampler")) {
                        patch.set("sampler", patch.remove("data"));
                    }
                    merge(root, patch, "", errors);
                }
            }
        }
        for (String assignment : overrides.assignments()) {
            assign(root, assignment, errors);
        }
        if (!errors.isEmpty()) {
            throw new ConfigErrors(errors);
        }
        return bind(root);
    }

    /** Turns a complete tree into a RunSpec, collecting the errors of every part. */
    public RunSpec bind(ObjectNode root) {
        List<String> errors = new ArrayList<>();
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!List.of("sampler", "architecture", "loss", "training", "evaluation").contains(name)) {
                List<String> top = List.of("architecture", "evaluation", "loss", "sampler", "training");
                errors.add(name + ": unknown field" + FieldNames.suggestion(name, top) + "; known: " + String.join(", ", top));
            }
        }
        SamplerConfig sampler = part(root, "sampler", SamplerConfig.class, registry.samplers(), errors);
        ArchitectureConfig architecture = part(root, "architecture", ArchitectureConfig.class, registry.architectures(), errors);
        List<LossTermConfig> loss = new ArrayList<>();
        JsonNode lossNode = root.get("loss");
        if (lossNode == null || !lossNode.isArray()) {
            errors.add("loss: expected a list of loss terms, found " + (lossNode == null ? "nothing" : lossNode));
        } else {
            for (int i = 0; i < lossNode.size(); i++) {
                LossTermConfig term = part(lossNode.get(i), "loss." + i, LossTermConfig.class, registry.lossTerms(), errors);
                if (term != null) {
                    loss.add(term);
                }
            }
        }
        TrainingConfig training = part(root, "training", TrainingConfig.class, null, errors);
        EvaluationConfig evaluation = part(root, "evaluation", EvaluationConfig.class, null, errors);
        if (!errors.isEmpty()) {
            throw new ConfigErrors(errors);
        }
        try {
            return new RunSpec(sampler, architecture, loss, training, evaluation);
        } catch (ConfigException e) {
            throw new ConfigErrors(List.of(e.getMessage()));
        }
    }

    private <T> T part(JsonNode parent, String name, Class<T> type, Map<String, ? extends ComponentFactory<?, ?>> factories,
            List<String> errors) {
        JsonNode node = name.startsWith("loss.") ? parent : parent.get(name);
        if (node == null || node.isNull()) {
            errors.add(name + ": missing");
            return null;
        }
        if (factories != null) {
            JsonNode typeNode = node.get("type");
            if (typeNode == null || !factories.containsKey(typeNode.asText())) {
                errors.add(name + ".type = " + (typeNode == null ? "(missing)" : typeNode.asText()) + ": unknown "
                        + kind(name) + "; known: " + String.join(", ", new TreeSet<>(factories.keySet())));
                return null;
            }
        }
        try {
            return json.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            errors.add(describe(name, e));
            return null;
        } catch (ConfigException e) {
            errors.add(e.getMessage());
            return null;
        }
    }

    private static String kind(String name) {
        return name.startsWith("loss") ? "loss term" : name;
    }

    private static String describe(String prefix, JsonProcessingException e) {
        Throwable cause = e.getCause();
        if (e instanceof ValueInstantiationException && cause instanceof ConfigException) {
            return cause.getMessage();
        }
        if (cause instanceof ConfigException) {
            return cause.getMessage();
        }
        String path = prefix;
        if (e instanceof JsonMappingException mapping) {
            for (JsonMappingException.Reference ref : mapping.getPath()) {
                path += ref.getFieldName() != null ? "." + ref.getFieldName() : "." + ref.getIndex();
            }
        }
        if (e instanceof UnrecognizedPropertyException unknown) {
            List<String> known = knownFields(unknown.getKnownPropertyIds());
            return path + ": unknown field" + FieldNames.suggestion(unknown.getPropertyName(), known) + "; known: "
                    + String.join(", ", known);
        }
        if (e instanceof InvalidTypeIdException) {
            return path + ".type: " + e.getOriginalMessage();
        }
        if (e instanceof com.fasterxml.jackson.databind.exc.InvalidFormatException format) {
            return path + " = " + format.getValue() + ": expected " + typeName(format.getTargetType());
        }
        if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mismatch
                && mismatch.getTargetType() != null && mismatch.getOriginalMessage().contains("null")) {
            return path + " = null: expected " + typeName(mismatch.getTargetType());
        }
        String message = e.getOriginalMessage();
        int cut = message.indexOf(" at [Source");
        return path + ": " + (cut > 0 ? message.substring(0, cut) : message).replace('\n', ' ');
    }

    private static String typeName(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "a whole number";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type.isEnum()) {
            List<String> names = new ArrayList<>();
            for (Object constant : type.getEnumConstants()) {
                names.add(constant.toString().toLowerCase(java.util.Locale.ROOT));
            }
            return "one of " + String.join(", ", names);
        }
        return "a " + type.getSimpleName();
    }

    private static List<String> knownFields(java.util.Collection<Object> ids) {
        List<String> out = new ArrayList<>();
        for (Object id : ids) {
            out.add(String.valueOf(id));
        }
        if (!out.contains("type")) {
            out.add("type");
        }
        out.sort(null);
        return out;
    }

    private JsonNode readFile(Path file, List<String> errors) {
        try {
            String text = Files.readString(file);
            return yaml.readTree(text);
        } catch (java.nio.file.NoSuchFileException e) {
            errors.add("--config " + file + ": file not found");
        } catch (IOException e) {
            errors.add("--config " + file + ": cannot parse: " + e.getMessage().replace('\n', ' '));
        }
        return null;
    }

    private void merge(ObjectNode target, ObjectNode patch, String prefix, List<String> errors) {
        JsonNode newType = patch.get("type");
        if (newType != null && target.has("type") && !newType.equals(target.get("type")) && polymorphic(prefix)) {
            ObjectNode fresh = defaults(prefix, newType.asText(), errors);
            if (fresh == null) {
                return;
            }
            target.removeAll();
            target.setAll(fresh);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            JsonNode current = target.get(field.getKey());
            if (current == null) {
                errors.add(path + ": unknown field" + suggest(field.getKey(), target) + known(target));
            } else if (path.equals("loss") && field.getValue().isArray()) {
                target.set("loss", lossWithDefaults((ArrayNode) field.getValue(), errors));
            } else if (current.isObject() && field.getValue().isObject()) {
                merge((ObjectNode) current, (ObjectNode) field.getValue(), path, errors);
            } else {
                target.set(field.getKey(), field.getValue());
            }
        }
    }

    /** {@code data} is another name of the {@code sampler} field (the run's source of activations). */
    private static String dataAlias(String path) {
        return path.equals("data") || path.startsWith("data.") ? "sampler" + path.substring(4) : path;
    }

    /** A loss list from a file: each term is its plugin's defaults with the given fields applied. */
    private ArrayNode lossWithDefaults(ArrayNode terms, List<String> errors) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < terms.size(); i++) {
            JsonNode term = terms.get(i);
            JsonNode type = term.get("type");
            if (!term.isObject() || type == null) {
                errors.add("loss." + i + ": expected a loss term with a type, found " + term);
                continue;
            }
            ObjectNode filled = defaults("loss." + i, type.asText(), errors);
            if (filled != null) {
                merge(filled, (ObjectNode) term, "loss." + i, errors);
                out.add(filled);
            }
        }
        return out;
    }

    private void assign(ObjectNode root, String assignment, List<String> errors) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            errors.add("--set " + assignment + ": expected path=value, e.g. architecture.k=4");
            return;
        }
        String path = dataAlias(assignment.substring(0, eq).trim());
        String text = assignment.substring(eq + 1).trim();
        JsonNode value;
        try {
            value = text.isEmpty() ? JsonNodeFactory.instance.textNode("") : yaml.readTree(text);
            if (value == null || value.isMissingNode()) {
                value = JsonNodeFactory.instance.textNode(text);
            }
        } catch (IOException e) {
            value = JsonNodeFactory.instance.textNode(text);
        }
        String[] parts = path.split("\\.");
        JsonNode node = root;
        String walked = "";
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode next = child(node, parts[i]);
            walked = walked.isEmpty() ? parts[i] : walked + "." + parts[i];
            if (next == null || !(next.isObject() || next.isArray())) {
                errors.add("--set " + path + ": unknown path (no field " + walked + known(node) + ")");
                return;
            }
            node = next;
        }
        String last = parts[parts.length - 1];
        if (node.isArray()) {
            ArrayNode array = (ArrayNode) node;
            if (!last.matches("\\d+") || Integer.parseInt(last) >= array.size()) {
                errors.add("--set " + path + ": unknown path (index " + last + " of a list of " + array.size() + ")");
                return;
            }
            array.set(Integer.parseInt(last), value);
            return;
        }
        ObjectNode parent = (ObjectNode) node;
        if (!parent.has(last)) {
            errors.add("--set " + path + ": unknown path" + suggest(last, parent) + known(parent));
            return;
        }
        String parentPath = path.substring(0, Math.max(0, path.length() - last.length() - 1));
        if ("type".equals(last) && !value.equals(parent.get("type")) && polymorphic(parentPath)) {
            String prefix = path.substring(0, Math.max(0, path.length() - ".type".length()));
            ObjectNode fresh = defaults(prefix, value.asText(), errors);
            if (fresh != null) {
                parent.removeAll();
                parent.setAll(fresh);
            }
            return;
        }
        parent.set(last, value);
    }

    /** Whether the field at {@code path} is a plugin component, whose type picks its config record. */
    private static boolean polymorphic(String path) {
        return path.equals("sampler") || path.equals("architecture") || path.matches("loss\\.\\d+");
    }

    /** The default config tree of the plugin {@code name} for the polymorphic field at {@code path}. */
    private ObjectNode defaults(String path, String name, List<String> errors) {
        Map<String, ? extends ComponentFactory<?, ?>> factories;
        Class<?> base;
        if (path.equals("sampler")) {
            factories = registry.samplers();
            base = SamplerConfig.class;
        } else if (path.equals("architecture")) {
            factories = registry.architectures();
            base = ArchitectureConfig.class;
        } else if (path.startsWith("loss")) {
            factories = registry.lossTerms();
            base = LossTermConfig.class;
        } else {
            errors.add(path + ".type: this field has no type");
            return null;
        }
        ComponentFactory<?, ?> factory = factories.get(name);
        if (factory == null) {
            errors.add(path + ".type = " + name + ": unknown " + kind(path) + "; known: "
                    + String.join(", ", new TreeSet<>(factories.keySet())));
            return null;
        }
        try {
            return (ObjectNode) json.readTree(json.writerFor(base).writeValueAsString(factory.defaultConfig()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("default config of " + name + " does not serialise", e);
        }
    }

    private static JsonNode child(JsonNode node, String name) {
        if (node.isArray()) {
            return name.matches("\\d+") ? node.get(Integer.parseInt(name)) : null;
        }
        return node.get(name);
    }

    private static String suggest(String name, JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return FieldNames.suggestion(name, names);
    }

    private static String known(JsonNode node) {
        if (!node.isObject()) {
            return "";
        }
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        names.sort(null);
        return "; known: " + String.join(", ", names);
    }
}
