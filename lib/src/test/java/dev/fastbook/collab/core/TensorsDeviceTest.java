package dev.fastbook.collab.core;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

class TensorsDeviceTest {
    @Test
    void modelsAndBatchesFollowOneDeviceChosenBeforeFirstUse() {
        Device d = Tensors.device();
        // DJL's best device: the CPU on a machine without a usable GPU (this one has none).
        assertEquals(Engine.getEngine("PyTorch").defaultDevice(), d);
        assertEquals(d, Tensors.manager().getDevice());
        try (var batch = Tensors.manager().newSubManager()) {
            assertEquals(d, batch.getDevice());
            assertEquals(d, batch.create(new float[] {1f}).getDevice());
        }
        Tensors.device(d); // the same choice again is fine
        Device other = d.isGpu() ? Device.cpu() : Device.gpu();
        var e = assertThrows(IllegalStateException.class, () -> Tensors.device(other));
        assertTrue(e.getMessage().contains("call it first"), e.getMessage());
        assertEquals(d, Tensors.device(), "a refused choice changes nothing");
        assertThrows(IllegalArgumentException.class, () -> Tensors.device(null));
    }
}
