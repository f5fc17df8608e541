package org.saelab.runner.output;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saelab.api.EvaluationConfig;
import org.saelab.api.EvaluationContext;
import org.saelab.api.RunResult;

/** A write that fails (here: a full disk, at the artifact seam) reports an error and leaves no finished-looking run. */
class RunWriterFailureTest {
    @TempDir
    Path dir;

    @Test
    void aFullDiskLeavesNoRunFolderAndSaysWhichOne() {
        EvaluationContext evaluation = new EvaluationContext(1, 2, 2, 0, new float[2], null, new float[2], new float[2],
                null, new float[4], new float[4], new float[2], EvaluationConfig.defaults());
        RunResult result = new RunResult("exp", "seed0", null, Map.of(), null, null);
        RunArtifact full = runDir -> {
            Files.write(runDir.resolve("sae_weights.safetensors"), new byte[] {1, 2, 3});
            throw new FileSystemException(runDir.resolve("eval_inputs.npy").toString(), null, "No space left on device");
        };
        Path runDir = dir.resolve("seed0");
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> new RunWriter(new ObjectMapper()).write(runDir, result, evaluation, List.of(), List.of(full)));
        assertTrue(e.getMessage().startsWith("cannot write run folder " + runDir), e.getMessage());
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
        assertFalse(Files.exists(runDir), "no folder that looks finished");
        assertTrue(Files.isDirectory(dir.resolve(".seed0.partial")), "what was written stays in the hidden partial folder");
    }

    @Test
    void filesWrittenSideBySideReportTheFirstFailureInOrderOnceAllAreDone() {
        EvaluationContext evaluation = new EvaluationContext(1, 2, 2, 0, new float[2], null, new float[2], new float[2],
                null, new float[4], new float[4], new float[2], EvaluationConfig.defaults());
        RunResult result = new RunResult("exp", "seed1", null, Map.of(), null, null);
        RunArtifact slow = runDir -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Files.write(runDir.resolve("slow.bin"), new byte[] {1});
            throw new FileSystemException(runDir.resolve("slow.bin").toString(), null, "first in order");
        };
        RunArtifact fast = runDir -> {
            throw new FileSystemException(runDir.resolve("fast.bin").toString(), null, "second in order");
        };
        Path runDir = dir.resolve("seed1");
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> new RunWriter(new ObjectMapper()).write(runDir, result, evaluation, List.of(), List.of(slow, fast)));
        assertTrue(e.getMessage().contains("first in order"), e.getMessage());
        assertTrue(Files.isRegularFile(dir.resolve(".seed1.partial/slow.bin")), "the slow write had finished");
        assertTrue(Files.isRegularFile(dir.resolve(".seed1.partial/result.json")), "result.json was written beside them");
        assertFalse(Files.exists(runDir));
    }
}
