package org.saelab.api;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A claim that one measured quantity is above or below another, judged on the means over seeds:
 * e.g. "mean hedging at k = 4 is larger than at k = 5".
 */
public record Comparison(String id, String text, Quantity left, Relation relation, Quantity right) implements Claim {
    public enum Relation {
        LESS("<"),
        GREATER(">"),
        AT_MOST("≤"),
        AT_LEAST("≥");

        private final String symbol;

        Relation(String symbol) {
            this.symbol = symbol;
        }

        boolean test(double a, double b) {
            return switch (this) {
                case LESS -> a < b;
                case GREATER -> a > b;
                case AT_MOST -> a <= b;
                case AT_LEAST -> a >= b;
            };
        }

        public String symbol() {
            return symbol;
        }
    }

    public Comparison {
        requireNonNull(id, "id is null");
        requireNonNull(text, "text is null");
        requireNonNull(left, "left is null");
        requireNonNull(relation, "relation is null");
        requireNonNull(right, "right is null");
    }

    @Override
    public Set<String> variants() {
        Set<String> out = new LinkedHashSet<>(left.variants());
        out.addAll(right.variants());
        return out;
    }

    @Override
    public Verdict check(ResultTable results) {
        double[] a = left.perSeed(results);
        double[] b = right.perSeed(results);
        boolean holds = relation.test(ResultTable.mean(a), ResultTable.mean(b));
        String measured = left.label() + " = " + ResultTable.describe(a) + " " + relation.symbol() + " "
                + right.label() + " = " + ResultTable.describe(b);
        return Verdict.of(holds, measured);
    }
}
