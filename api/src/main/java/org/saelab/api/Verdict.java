package org.saelab.api;

import static java.util.Objects.requireNonNull;

/** The outcome of checking a {@link Claim}: whether it holds, and the numbers behind it. */
public record Verdict(Status status, String measured) {
    public enum Status {
        HOLDS("holds"),
        DOES_NOT_HOLD("does not hold"),
        NOT_MEASURED("not measured");

        private final String text;

        Status(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    public Verdict {
        requireNonNull(status, "status is null");
        requireNonNull(measured, "measured is null");
    }

    public static Verdict of(boolean holds, String measured) {
        return new Verdict(holds ? Status.HOLDS : Status.DOES_NOT_HOLD, measured);
    }

    public static Verdict notMeasured(String why) {
        return new Verdict(Status.NOT_MEASURED, why);
    }
}
