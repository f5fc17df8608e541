package org.saelab.runner.train;

import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's native backend, which takes about half a second to load (hundreds of classes and the
 * native libraries). The CLI starts loading it on a background thread while it discovers
 * plugins and resolves configs; training waits for it in {@link #await}. The backend is the
 * same either way: loading it draws no random numbers and reads no config of ours.
 */
public final class NativeBackend {
    private static SideTask<Void> loading;

    private NativeBackend() {}

    /** Starts loading the backend on a daemon thread, unless that has already been done. */
    public static synchronized void loadInBackground() {
        if (loading == null) {
            loading = SideTask.startOnOwnThread("saelab-nd4j-load", () -> {
                Nd4j.getBackend();
                return null;
            });
        }
    }

    /**
     * Returns once the backend is loaded: loads it here, or waits for the background load (then
     * rethrows its failure as it was thrown, not the later "could not initialize class").
     */
    public static void await() {
        SideTask<Void> started;
        synchronized (NativeBackend.class) {
            started = loading;
        }
        if (started == null) {
            Nd4j.getBackend();
        } else {
            started.joinUnchecked();
        }
    }
}
