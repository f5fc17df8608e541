package org.saelab.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How the training k changes over a run: {@code constant} (the architecture's k at every step)
 * or {@code linear} from {@code start} to {@code end} between steps {@code fromStep} and
 * {@code toStep} (0-based; {@code toStep} null means the last step), constant outside them.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record KSchedule(String type, Double start, Double end, long fromStep, Long toStep) {
    public KSchedule {
        ConfigException.check("constant".equals(type) || "linear".equals(type), "training.kSchedule.type", type,
                "must be constant or linear");
        if ("linear".equals(type)) {
            ConfigException.check(start != null && start > 0 && !start.isInfinite(), "training.kSchedule.start", start,
                    "must be a number > 0 for a linear schedule");
            ConfigException.check(end != null && end > 0 && !end.isInfinite(), "training.kSchedule.end", end,
                    "must be a number > 0 for a linear schedule");
        }
        ConfigException.check(fromStep >= 0, "training.kSchedule.fromStep", fromStep, "must be >= 0");
        ConfigException.check(toStep == null || toStep > fromStep, "training.kSchedule.toStep", toStep,
                "must be > fromStep (" + fromStep + ")");
    }

    public static KSchedule constant() {
        return new KSchedule("constant", null, null, 0, null);
    }

    public static KSchedule linear(double start, double end) {
        return new KSchedule("linear", start, end, 0, null);
    }

    @JsonIgnore
    public boolean isConstant() {
        return "constant".equals(type);
    }

    /** The k of 0-based {@code step} in a run of {@code totalSteps}, given the architecture's k. */
    public double kAt(long step, long totalSteps, double architectureK) {
        if (isConstant()) {
            return architectureK;
        }
        long last = toStep != null ? toStep : Math.max(fromStep + 1, totalSteps - 1);
        if (step <= fromStep) {
            return start;
        }
        if (step >= last) {
            return end;
        }
        return start + (end - start) * (double) (step - fromStep) / (double) (last - fromStep);
    }

    /** The largest k the schedule reaches in a run whose architecture has {@code architectureK}. */
    public double maxK(double architectureK) {
        return isConstant() ? architectureK : Math.max(start, end);
    }
}
