package org.saelab.runner.output;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file or folder written into a run's folder beside result.json. {@link RunWriter} calls it with
 * the hidden partial folder, before the rename, so it is part of the run's atomic completion.
 */
@FunctionalInterface
public interface RunArtifact {
    void writeInto(Path runDir) throws IOException;
}
