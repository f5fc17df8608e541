package org.saelab.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KScheduleTest {
    @Test
    void constantIsTheArchitecturesKAtEveryStep() {
        KSchedule constant = KSchedule.constant();
        for (long step : new long[] {0, 1, 500, 24_414}) {
            assertEquals(5.0, constant.kAt(step, 24_415, 5.0));
        }
        assertEquals(5.0, constant.maxK(5.0));
    }

    @Test
    void linearGoesFromStartAtTheFirstStepToEndAtTheLast() {
        KSchedule decay = KSchedule.linear(10, 2);
        long steps = 101;
        assertEquals(10.0, decay.kAt(0, steps, 2));
        assertEquals(9.92, decay.kAt(1, steps, 2), 1e-12);
        assertEquals(6.0, decay.kAt(50, steps, 2), 1e-12);
        assertEquals(2.0, decay.kAt(100, steps, 2));
        assertEquals(10.0, decay.maxK(2));
        double previous = Double.POSITIVE_INFINITY;
        for (long step = 0; step < steps; step++) {
            double k = decay.kAt(step, steps, 2);
            assertTrue(k < previous, "strictly decreasing at " + step);
            previous = k;
        }
    }

    @Test
    void linearBetweenTwoStepsIsConstantOutsideThem() {
        KSchedule up = new KSchedule("linear", 2.0, 11.0, 10, 19L);
        assertEquals(2.0, up.kAt(0, 1000, 5));
        assertEquals(2.0, up.kAt(10, 1000, 5));
        assertEquals(3.0, up.kAt(11, 1000, 5), 1e-12);
        assertEquals(11.0, up.kAt(19, 1000, 5));
        assertEquals(11.0, up.kAt(999, 1000, 5));
    }

    @Test
    void badSchedulesNameFieldAndValue() {
        assertMessage("training.kSchedule.type = cosine", () -> new KSchedule("cosine", 1.0, 2.0, 0, null));
        assertMessage("training.kSchedule.start = null", () -> new KSchedule("linear", null, 2.0, 0, null));
        assertMessage("training.kSchedule.end = -1.0", () -> new KSchedule("linear", 3.0, -1.0, 0, null));
        assertMessage("training.kSchedule.fromStep = -3", () -> new KSchedule("linear", 3.0, 1.0, -3, null));
        assertMessage("training.kSchedule.toStep = 5", () -> new KSchedule("linear", 3.0, 1.0, 5, 5L));
    }

    private static void assertMessage(String start, Runnable constructor) {
        ConfigException e = assertThrows(ConfigException.class, constructor::run);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
