package org.saelab.runner.train;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class NativeBackendTest {
    @Test
    void aBackgroundLoadLeavesAWorkingBackend() {
        NativeBackend.loadInBackground();
        NativeBackend.loadInBackground();
        NativeBackend.await();
        NativeBackend.await();
        assertNotNull(Nd4j.getBackend());
        assertNotNull(Nd4j.create(DataType.FLOAT, 2, 3).addi(1));
    }
}
