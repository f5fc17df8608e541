package org.saelab.api;

import com.fasterxml.jackson.annotation.JsonValue;

/** A metric's value: a number, a vector or a matrix; written to JSON as number or arrays. */
public sealed interface MetricValue {
    @JsonValue
    Object json();

    record Scalar(double value) implements MetricValue {
        @Override
        public Object json() {
            return value;
        }
    }

    record Vector(double[] values) implements MetricValue {
        @Override
        public Object json() {
            return values;
        }
    }

    record Matrix(double[][] values) implements MetricValue {
        @Override
        public Object json() {
            return values;
        }
    }

    static MetricValue of(double value) {
        return new Scalar(value);
    }

    static MetricValue of(double[] values) {
        return new Vector(values);
    }

    static MetricValue of(double[][] values) {
        return new Matrix(values);
    }
}
