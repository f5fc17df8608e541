package org.saelab.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private static final long SECOND = 1_000_000_000L;

    /** Advances by a fixed step on every read and counts the reads. */
    private static final class FakeClock implements LongSupplier {
        private final long tick;
        private long now;
        private int reads;

        FakeClock(long tick) {
            this.tick = tick;
        }

        @Override
        public long getAsLong() {
            reads++;
            long value = now;
            now += tick;
            return value;
        }
    }

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void plainModePrintsEveryTenSecondsAndAtTheEnd() {
        // One clock read per call: onStart at 0 s, step n at n s, onFinish at 36 s.
        FakeClock clock = new FakeClock(SECOND);
        ProgressBar bar = new ProgressBar("post-case1", out, false, clock);
        bar.onStart(35, 1000);
        for (long step = 1; step <= 35; step++) {
            bar.onStep(step, step, null, null);
        }
        bar.onFinish(35);

        String text = output();
        assertFalse(text.contains("\r"), text);
        assertTrue(text.endsWith("\n"), text);
        List<String> lines = Arrays.asList(text.split("\n"));
        assertEquals(5, lines.size(), text);
        assertEquals("post-case1 28%  step 10/35  10.0k/35.0k samples  1.0k samples/s  loss 5.50  ETA 25s", lines.get(0));
        assertTrue(lines.get(1).startsWith("post-case1 57%  step 20/35  20.0k/35.0k samples"), lines.get(1));
        assertTrue(lines.get(1).contains("loss 15.5  ETA 15s"), lines.get(1));
        assertTrue(lines.get(2).startsWith("post-case1 85%  step 30/35"), lines.get(2));
        assertTrue(lines.get(3).startsWith("post-case1 100%  step 35/35  35.0k/35.0k samples"), lines.get(3));
        assertTrue(lines.get(3).endsWith("loss 33.0  ETA 0s"), lines.get(3));
        assertEquals("post-case1 done: 35 steps, 35.0k samples in 36.0s, 972 samples/s", lines.get(4));
        assertEquals(1 + 35 + 1, clock.reads, "one clock read per call");
    }

    @Test
    void interactiveModeRewritesOneLineWithCarriageReturns() {
        // 0.1 s per step, so every step is due for a redraw.
        FakeClock clock = new FakeClock(SECOND / 10);
        ProgressBar bar = new ProgressBar("run", out, true, clock);
        bar.onStart(100, 1000);
        for (long step = 1; step <= 100; step++) {
            bar.onStep(step, 0.0123, null, null);
        }
        bar.onFinish(100);

        String text = output();
        String[] frames = text.split("\r", -1);
        assertEquals("", frames[0], "output starts with a carriage return");
        assertEquals(101, frames.length, "one redraw per step");
        assertEquals(2, text.split("\n", -1).length - 1, "only the end of the bar and the summary end lines");
        // At step 50: 5 s elapsed, 50k samples, 10k samples/s, 50 steps of 0.1 s to go.
        assertEquals("run [##########..........] 50%  50.0k/100.0k samples  10.0k samples/s  loss 0.0123  ETA 5s",
                frames[50]);
        String last = frames[100];
        assertTrue(last.startsWith("run [####################] 100%  100.0k/100.0k samples  10.0k samples/s"), last);
        assertTrue(last.endsWith("ETA 0s\nrun done: 100 steps, 100.0k samples in 10.1s, 9.9k samples/s\n"), last);
    }

    @Test
    void interactiveModeRendersAtMostEveryHundredMilliseconds() {
        // 30 ms per step: a redraw at steps 4, 8, … (120 ms after the last) and at the last step.
        FakeClock clock = new FakeClock(30_000_000L);
        ProgressBar bar = new ProgressBar("run", out, true, clock);
        bar.onStart(10, 1);
        for (long step = 1; step <= 10; step++) {
            bar.onStep(step, 1, null, null);
        }
        String[] frames = output().split("\r", -1);
        assertEquals(4, frames.length, output());
        assertTrue(frames[1].contains(" 40% "), frames[1]);
        assertTrue(frames[2].contains(" 80% "), frames[2]);
        assertTrue(frames[3].contains(" 100% "), frames[3]);
    }

    @Test
    void shorterRedrawBlanksTheRestOfThePreviousLine() {
        FakeClock clock = new FakeClock(SECOND);
        ProgressBar bar = new ProgressBar("run", out, true, clock);
        bar.onStart(2, 1);
        bar.onStep(1, 123456.0, null, null);
        bar.onStep(2, 1.0, null, null);
        String[] frames = output().split("\r", -1);
        assertEquals(frames[1].length(), frames[2].length(), output());
        assertTrue(frames[2].endsWith("ETA 0s   "), "[" + frames[2] + "]");
    }

    @Test
    void countsUseThousandSuffixes() {
        assertEquals("999", ProgressBar.formatCount(999));
        assertEquals("1.0k", ProgressBar.formatCount(1000));
        assertEquals("11.2M", ProgressBar.formatCount(11_200_000));
        assertEquals("1.0M", ProgressBar.formatCount(999_960));
        assertEquals("2.5G", ProgressBar.formatCount(2_500_000_000L));
    }

    @Test
    void durationsUseSecondsMinutesAndHours() {
        assertEquals("3s", ProgressBar.formatDuration(3 * SECOND));
        assertEquals("2m05s", ProgressBar.formatDuration(125 * SECOND));
        assertEquals("1h02m", ProgressBar.formatDuration(3720 * SECOND));
    }
}
