package org.saelab.api;

import java.util.Set;

/** A number measured per seed from an experiment's results, as claims compare them. */
public interface Quantity {
    String label();

    Set<String> variants();

    double[] perSeed(ResultTable results);

    /** The scalar metric {@code name} of {@code variant}. */
    static Quantity metric(String variant, String name) {
        return new Quantity() {
            @Override
            public String label() {
                return name + "(" + variant + ")";
            }

            @Override
            public Set<String> variants() {
                return Set.of(variant);
            }

            @Override
            public double[] perSeed(ResultTable results) {
                return results.scalars(variant, name);
            }
        };
    }

    /** The mean of entries [from, to) of the vector metric {@code name} of {@code variant}. */
    static Quantity slice(String variant, String name, int from, int to) {
        return new Quantity() {
            @Override
            public String label() {
                return "mean " + name + "[" + from + ".." + (to - 1) + "](" + variant + ")";
            }

            @Override
            public Set<String> variants() {
                return Set.of(variant);
            }

            @Override
            public double[] perSeed(ResultTable results) {
                return results.vectorMean(variant, name, from, to);
            }
        };
    }

    /** A fixed number. */
    static Quantity constant(double value) {
        return new Quantity() {
            @Override
            public String label() {
                return "threshold";
            }

            @Override
            public Set<String> variants() {
                return Set.of();
            }

            @Override
            public double[] perSeed(ResultTable results) {
                return new double[] {value};
            }
        };
    }
}
