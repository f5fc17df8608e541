package org.saelab.runner.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.saelab.api.ArchitectureConfig;
import org.saelab.api.EvaluationConfig;
import org.saelab.api.LossTermConfig;
import org.saelab.api.RunSpec;
import org.saelab.api.SamplerConfig;
import org.saelab.api.TrainingConfig;

/** Which runs of a sweep train together on one stream of batches. */
class SweepGroupsTest {
    private record Toy(int features) implements SamplerConfig {}

    private record Arch(int dSae) implements ArchitectureConfig {}

    private record Term() implements LossTermConfig {}

    private static PlannedRun run(String variant, long seed, int features, long samples) {
        RunSpec spec = new RunSpec(new Toy(features), new Arch(20), List.of(new Term()),
                TrainingConfig.defaults().withSeed(seed).withSamples(samples), EvaluationConfig.defaults());
        return new PlannedRun(variant, seed, spec, variant + "/seed" + seed);
    }

    /** {@code variants} variants over {@code seeds} seeds, variant by variant as the planner lists them. */
    private static List<PlannedRun> sweep(int variants, int seeds) {
        List<PlannedRun> runs = new ArrayList<>();
        for (int v = 0; v < variants; v++) {
            for (int s = 0; s < seeds; s++) {
                runs.add(run("v" + v, s, 20, 1 << 20));
            }
        }
        return runs;
    }

    private static long[] sizes(int n, long each) {
        long[] bytes = new long[n];
        Arrays.fill(bytes, each);
        return bytes;
    }

    private static final long HEAP = 1L << 30;

    @Test
    void runsOfOneSeedAreDealtIntoGroupsOfAboutAThirdOfAThreadsShare() {
        // 14 variants over 3 seeds on 2 threads: groups of at most 42 / 6 = 7, two per seed
        List<PlannedRun> runs = sweep(14, 3);
        List<List<Integer>> groups = SweepRunner.groups(runs, sizes(42, 1 << 20), HEAP, run -> false, 2, true);
        assertEquals(6, groups.size(), groups.toString());
        List<Integer> seen = new ArrayList<>();
        for (List<Integer> group : groups) {
            assertEquals(7, group.size(), group.toString());
            long seed = runs.get(group.get(0)).seed();
            for (int i : group) {
                assertEquals(seed, runs.get(i).seed(), "one stream per group: " + group);
            }
            seen.addAll(group);
        }
        assertEquals(42, seen.stream().distinct().count(), "every run once");
        // seed 0's runs are indices 0, 3, 6, ...; dealt in turn into two groups
        assertEquals(List.of(0, 6, 12, 18, 24, 30, 36), groups.get(0));
        assertEquals(List.of(3, 9, 15, 21, 27, 33, 39), groups.get(3));
    }

    @Test
    void aKeysGroupsDifferInSizeByAtMostOne() {
        // 5 runs of one seed on 1 thread: at most ceil(5 / 3) = 2 a group, so three groups: 2, 2, 1
        List<List<Integer>> groups = SweepRunner.groups(sweep(5, 1), sizes(5, 1), HEAP, run -> false, 1, true);
        assertEquals(List.of(List.of(0, 3), List.of(1, 4), List.of(2)), groups);
    }

    @Test
    void runsOfAnotherSamplerBatchSizeOrLengthNeverShareAGroup() {
        List<PlannedRun> runs = List.of(run("a", 0, 20, 1 << 20), run("b", 0, 30, 1 << 20), run("c", 0, 20, 1 << 21),
                run("d", 0, 20, 1 << 20), run("e", 1, 20, 1 << 20), run("f", 0, 20, 1 << 20));
        List<List<Integer>> groups = SweepRunner.groups(runs, sizes(6, 1), HEAP, run -> false, 1, true);
        // at most ceil(6 / 3) = 2 a group: a, d and f (one stream) in two groups
        assertEquals(List.of(List.of(0, 5), List.of(1), List.of(2), List.of(3), List.of(4)), groups);
    }

    @Test
    void aRunWithACheckpointToResumeTrainsAlone() {
        List<PlannedRun> runs = sweep(6, 1);
        List<List<Integer>> groups = SweepRunner.groups(runs, sizes(6, 1), HEAP, run -> run.variant().equals("v2"), 1,
                true);
        assertEquals(List.of(List.of(0, 4), List.of(1, 5), List.of(2), List.of(3)), groups);
    }

    @Test
    void withoutSharingOrWithFewRunsPerThreadEveryRunTrainsAlone() {
        assertEquals(List.of(List.of(0), List.of(1), List.of(2), List.of(3)),
                SweepRunner.groups(sweep(2, 2), sizes(4, 1), HEAP, run -> false, 2, true));
        assertEquals(List.of(List.of(0), List.of(1), List.of(2), List.of(3), List.of(4), List.of(5)),
                SweepRunner.groups(sweep(6, 1), sizes(6, 1), HEAP, run -> false, 1, false));
    }

    @Test
    void groupsShrinkUntilTheRunsAtOnceFitTheHeap() {
        // 12 runs of one seed, 1 thread: groups of 4 would hold 4 × 300 MB; the heap holds 1 GB, so 3
        List<List<Integer>> groups = SweepRunner.groups(sweep(12, 1), sizes(12, 300L << 20), HEAP, run -> false, 1,
                true);
        assertEquals(4, groups.size(), groups.toString());
        groups.forEach(group -> assertEquals(3, group.size(), group.toString()));
        // with 600 MB a run, only one fits at a time
        assertEquals(12, SweepRunner.groups(sweep(12, 1), sizes(12, 600L << 20), HEAP, run -> false, 1, true).size());
    }
}
