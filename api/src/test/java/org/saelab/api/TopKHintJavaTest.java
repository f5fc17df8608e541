package org.saelab.api;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * {@link TopKHintTest} on the Java kernels: where the native kernels are in use by default, the
 * banded pass there runs natively, and here on the Vector API (the build's tests ask for it with
 * {@code -Dsaelab.vectorTopK=true}).
 */
class TopKHintJavaTest extends TopKHintTest {
    @BeforeEach
    void useTheJavaKernels() {
        Kernels.setMode(Kernels.Mode.JAVA);
    }

    @AfterEach
    void restoreTheDefault() {
        Kernels.setMode(Kernels.Mode.AUTO);
    }
}
