package dev.fastbook.collab.model;

import static dev.fastbook.collab.model.Layers.*;
import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import dev.fastbook.collab.core.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModuleTest {
    static class PlainTensor extends Module {
        NDArray a = Tensors.ones(3);

        @Override
        public NDArray forward(NDArray x) {
            return x.add(a);
        }
    }

    static class WrappedTensor extends Module {
        Parameter a = parameter(Tensors.ones(3));

        @Override
        public NDArray forward(NDArray x) {
            return x.add(a.getArray());
        }
    }

    static class WithLinear extends Module {
        Linear a = linear(1, 3, false);

        @Override
        public NDArray forward(NDArray x) {
            return a.forward(x);
        }
    }

    @Test
    void onlyRegisteredMembersAreParameters() {
        assertEquals(List.of(), new PlainTensor().parameters());
        var wrapped = new WrappedTensor().parameters();
        assertEquals(1, wrapped.size());
        assertEquals("a", wrapped.get(0).name());
        assertEquals("(#1) [a: Parameter (3) [1.000, 1.000, 1.000]]", wrapped.toString());
        var lin = new WithLinear().parameters();
        assertEquals(1, lin.size());
        assertEquals("a_weight", lin.get(0).name());
        assertArrayEquals(new long[] {3, 1}, lin.get(0).array().getShape().getShape());
    }

    @Test
    void printsLikePyTorch() {
        Tensors.seed(0);
        var m = new EmbeddingDotBias(50, 944, 1665, YRange.of(0, 5.5));
        String s = m.toString();
        assertTrue(s.startsWith("EmbeddingDotBias(\n"), s);
        assertTrue(s.contains("(uWeight): Embedding(944, 50)"), s);
        assertTrue(s.contains("(iWeight): Embedding(1665, 50)"), s);
        assertTrue(s.contains("(uBias): Embedding(944, 1)"), s);
        assertTrue(s.contains("(iBias): Embedding(1665, 1)"), s);
        var nn = new EmbeddingNN(
                List.of(new EmbSz(944, 74), new EmbSz(1665, 102)), new int[] {100, 50}, YRange.of(0, 5.5));
        String t = nn.toString();
        assertTrue(t.contains("Linear(in_features=176, out_features=100, bias=False)"), t);
        assertTrue(t.contains("BatchNorm1d(100"), t);
        assertTrue(t.contains("Linear(in_features=50, out_features=1, bias=True)"), t);
        assertTrue(t.contains("SigmoidRange(low=0.0, high=5.5)"), t);
    }

    @Test
    void embeddingDotBiasComputesDotPlusBiasesInRange() {
        Tensors.seed(0);
        var m = new EmbeddingDotBias(4, 3, 5, null);
        NDArray x = Tensors.manager().create(new long[] {1, 2, 2, 4}, new ai.djl.ndarray.types.Shape(2, 2));
        float[] out = m.forward(x).toFloatArray();
        float[] u = m.uWeight.weight().get(1).toFloatArray();
        float[] it = m.iWeight.weight().get(2).toFloatArray();
        double expected = m.uBias.weight().get(1).toFloatArray()[0]
                + m.iBias.weight().get(2).toFloatArray()[0];
        for (int k = 0; k < 4; k++) {
            expected += u[k] * it[k];
        }
        assertEquals(expected, out[0], 1e-6);
        assertEquals(2, out.length);
    }

    @Test
    void saveAndLoadRoundTripsAndLeavesNoPartFiles(@TempDir Path dir) throws IOException {
        Tensors.seed(5);
        var a = new EmbeddingDotBias(8, 10, 12, YRange.of(0, 5.5));
        Path file = dir.resolve("model.params");
        a.save(file);
        Tensors.seed(6);
        var b = new EmbeddingDotBias(8, 10, 12, YRange.of(0, 5.5));
        assertFalse(java.util.Arrays.equals(
                a.iWeight.weight().toFloatArray(), b.iWeight.weight().toFloatArray()));
        b.load(file);
        assertArrayEquals(a.iWeight.weight().toFloatArray(), b.iWeight.weight().toFloatArray());
        assertArrayEquals(a.uBias.weight().toFloatArray(), b.uBias.weight().toFloatArray());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
        var wrongShape = new EmbeddingDotBias(8, 11, 12, YRange.of(0, 5.5));
        IOException e = assertThrows(IOException.class, () -> wrongShape.load(file));
        assertTrue(e.getMessage().contains("same sizes"), e.getMessage());
        assertThrows(IOException.class, () -> b.load(dir.resolve("missing.params")));
    }

    @Test
    void aDamagedFileIsNamedWithWhatIsWrongAndLeavesTheModelAlone(@TempDir Path dir) throws IOException {
        Tensors.seed(5);
        var a = new EmbeddingDotBias(8, 10, 12, YRange.of(0, 5.5));
        Path file = dir.resolve("model.params");
        a.save(file);
        byte[] bytes = Files.readAllBytes(file);
        var b = new EmbeddingDotBias(8, 10, 12, YRange.of(0, 5.5));
        float[] before = b.iWeight.weight().toFloatArray();
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        IOException cut = assertThrows(IOException.class, () -> b.load(file));
        assertTrue(
                cut.getMessage()
                        .contains("ends too early: " + (bytes.length - 100) + " bytes, fewer than " + bytes.length),
                cut.getMessage());
        assertFalse(cut.getMessage().contains("(null)"), cut.getMessage());
        assertArrayEquals(before, b.iWeight.weight().toFloatArray(), "left as it was");
        Files.write(file, new byte[0]);
        assertTrue(
                assertThrows(IOException.class, () -> b.load(file)).getMessage().contains("is empty (0 bytes)"));
        byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 3);
        Files.write(file, longer);
        assertTrue(assertThrows(IOException.class, () -> b.load(file))
                .getMessage()
                .contains("bytes after the last parameter"));
    }

    @Test
    void saveLeavesNoPartFileAndLoadCleansThoseOfDeadProcesses(@TempDir Path dir) throws IOException {
        Tensors.seed(5);
        var a = new EmbeddingDotBias(8, 10, 12, YRange.of(0, 5.5));
        Path file = dir.resolve("model.params");
        Path dead = dir.resolve(".model.params." + ((1L << 22) + 1) + "-abc.part"); // no such pid on Linux
        Files.writeString(dead, "half a model");
        a.save(file);
        assertFalse(Files.exists(dead), "a save cleans what a killed save left");
        Files.writeString(dead, "half a model");
        new EmbeddingDotBias(8, 10, 12, YRange.of(0, 5.5)).load(file);
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "and so does a load");
        }
    }
}
