package org.saelab.runner.cli;

import org.saelab.runner.output.Heatmap;
import org.saelab.runner.output.ProvenanceInfo;
import org.saelab.runner.train.NativeBackend;
import org.saelab.runner.train.SideTask;

/**
 * Slow start-up work that depends on nothing a command is given, begun on background threads
 * so that it overlaps plugin discovery and config resolution (about a second on the main
 * thread): ND4J's native backend, the git commit for provenance, and Java2D's fonts for the
 * pictures. None of it changes what a run computes or writes.
 */
final class BackgroundStart {
    private BackgroundStart() {}

    /** For commands that train and write run folders. */
    static void forRuns() {
        NativeBackend.loadInBackground();
        ProvenanceInfo.prefetchGitCommit();
        // after the backend, so that one background thread computes beside the main thread, not
        // two; a failure here is not reported: training or drawing fails later with the real error
        SideTask.startOnOwnThread("saelab-java2d-warm-up", () -> {
            NativeBackend.await();
            Heatmap.warmUp();
            return null;
        });
    }

    /** For commands that train but write no pictures. */
    static void forTraining() {
        NativeBackend.loadInBackground();
    }
}
