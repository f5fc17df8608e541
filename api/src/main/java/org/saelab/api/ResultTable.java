package org.saelab.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The metrics of an experiment's finished runs, by variant and seed; what claims read. */
public final class ResultTable {
    private final List<Long> seeds;
    private final Map<String, Map<Long, Map<String, MetricValue>>> runs;

    /** @param runs variant → seed → metrics; every variant should have every seed */
    public ResultTable(List<Long> seeds, Map<String, Map<Long, Map<String, MetricValue>>> runs) {
        this.seeds = List.copyOf(seeds);
        this.runs = new LinkedHashMap<>();
        runs.forEach((variant, bySeed) -> this.runs.put(variant, new LinkedHashMap<>(bySeed)));
    }

    public List<Long> seeds() {
        return seeds;
    }

    public List<String> variants() {
        return List.copyOf(runs.keySet());
    }

    /** Whether every seed of {@code variant} has a result. */
    public boolean complete(String variant) {
        Map<Long, Map<String, MetricValue>> bySeed = runs.get(variant);
        return bySeed != null && bySeed.keySet().containsAll(seeds);
    }

    public MetricValue metric(String variant, long seed, String name) {
        Map<Long, Map<String, MetricValue>> bySeed = runs.get(variant);
        Map<String, MetricValue> metrics = bySeed == null ? null : bySeed.get(seed);
        MetricValue value = metrics == null ? null : metrics.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no metric " + name + " for " + variant + " seed " + seed);
        }
        return value;
    }

    /** The scalar metric {@code name} of {@code variant}, one value per seed in seed order. */
    public double[] scalars(String variant, String name) {
        double[] out = new double[seeds.size()];
        for (int i = 0; i < out.length; i++) {
            MetricValue value = metric(variant, seeds.get(i), name);
            if (!(value instanceof MetricValue.Scalar scalar)) {
                throw new IllegalArgumentException("metric " + name + " of " + variant + " is not a number");
            }
            out[i] = scalar.value();
        }
        return out;
    }

    /** Per seed, the mean of entries [from, to) of the vector metric {@code name}. */
    public double[] vectorMean(String variant, String name, int from, int to) {
        double[] out = new double[seeds.size()];
        for (int i = 0; i < out.length; i++) {
            MetricValue value = metric(variant, seeds.get(i), name);
            if (!(value instanceof MetricValue.Vector vector)) {
                throw new IllegalArgumentException("metric " + name + " of " + variant + " is not a vector");
            }
            if (from < 0 || to > vector.values().length || from >= to) {
                throw new IllegalArgumentException("entries [" + from + ", " + to + ") of " + name + " (length "
                        + vector.values().length + ")");
            }
            double sum = 0;
            for (int j = from; j < to; j++) {
                sum += vector.values()[j];
            }
            out[i] = sum / (to - from);
        }
        return out;
    }

    public static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /** Sample standard deviation (n − 1); 0 for a single value. */
    public static double sd(double[] values) {
        if (values.length < 2) {
            return 0;
        }
        double mean = mean(values);
        double sum = 0;
        for (double v : values) {
            sum += (v - mean) * (v - mean);
        }
        return Math.sqrt(sum / (values.length - 1));
    }

    /** "0.131 ± 0.012 (0.120, 0.145, 0.128)": mean ± sd and the value of every seed. */
    public static String describe(double[] values) {
        List<String> each = new ArrayList<>();
        for (double v : values) {
            each.add(number(v));
        }
        String spread = values.length > 1 ? " ± " + number(sd(values)) : "";
        return number(mean(values)) + spread + (values.length > 1 ? " (" + String.join(", ", each) + ")" : "");
    }

    /** Three significant digits, plain notation for the ranges metrics take. */
    public static String number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return String.valueOf(value);
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e6) {
            return String.valueOf((long) value);
        }
        double magnitude = Math.abs(value);
        if (magnitude < 1e-3) {
            return String.format(Locale.ROOT, "%.2e", value);
        }
        if (magnitude >= 100) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        if (magnitude >= 1) {
            return String.format(Locale.ROOT, "%.3f", value);
        }
        return String.format(Locale.ROOT, "%.4f", value);
    }
}
