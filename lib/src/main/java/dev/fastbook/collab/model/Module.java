package dev.fastbook.collab.model;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import dev.fastbook.collab.core.SafeFiles;
import dev.fastbook.collab.core.Tensors;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * PyTorch's {@code nn.Module} on top of DJL's {@link AbstractBlock}: declare fields and a
 * {@link #forward(NDArray)}, and the fields become the model's parts, as in PyTorch.
 *
 * <p>A field of type {@link Parameter} becomes a parameter and a field of type {@link Module}
 * (or any DJL {@link Block}) a child, both named after the field. A plain {@link NDArray} field
 * does not: the optimiser never sees it (the chapter's "own embedding module" lesson). Fields are
 * discovered on first use, after the subclass constructor has run.
 */
public abstract class Module extends AbstractBlock {
    private boolean discovered;
    private boolean training = true;

    /** Computes the model's output for a batch of inputs; a module that only holds parts need not. */
    public NDArray forward(NDArray x) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " has no forward(x): override it to use the module as a model.");
    }

    /** Registers a child explicitly (for parts held in lists rather than fields). */
    protected <M extends Block> M register(String name, M child) {
        children.add(name, child);
        return child;
    }

    /** Registers a parameter explicitly under {@code name}. */
    protected Parameter register(String name, Parameter parameter) {
        parameters.put(name, parameter);
        return parameter;
    }

    /** Every parameter, depth first, named after the fields that hold it, e.g. {@code uWeight_weight}. */
    public Parameters parameters() {
        List<Parameters.Named> all = new ArrayList<>();
        for (Pair<String, Parameter> p : getParameters()) {
            all.add(new Parameters.Named(p.getKey(), p.getValue()));
        }
        return new Parameters(all);
    }

    /** The parameter arrays only, like {@code list(model.parameters())}. */
    public List<NDArray> parameterArrays() {
        List<NDArray> arrays = new ArrayList<>();
        for (Parameters.Named p : parameters()) {
            arrays.add(p.array());
        }
        return arrays;
    }

    /** Switches this module and its children to training mode (BatchNorm uses batch statistics). */
    public Module train() {
        setTraining(true);
        return this;
    }

    /** Switches to evaluation mode (BatchNorm uses its running statistics). */
    public Module eval() {
        setTraining(false);
        return this;
    }

    public boolean isTraining() {
        return training;
    }

    private void setTraining(boolean on) {
        discover();
        training = on;
        for (Block child : children.values()) {
            if (child instanceof Module m) {
                m.setTraining(on);
            }
        }
    }

    /**
     * Writes the parameters with DJL's block format, atomically: into a temporary file beside
     * {@code file}, then renamed over it, so a crash at any instant leaves the old file or the new
     * one. Temporary files of processes that died mid-save are removed by the next save or load.
     */
    public void save(Path file) throws IOException {
        SafeFiles.writeAtomically(file, out -> {
            DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out));
            saveParameters(data);
            data.flush();
        });
    }

    /**
     * Reads parameters written by {@link #save(Path)} into this model, which must have the same
     * sizes. On any mismatch or damage the model is left exactly as it was and the error says what
     * is wrong with the file.
     */
    public <M extends Module> M load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("No saved model at " + file + ": train one and call save(path) first.");
        }
        try {
            SafeFiles.cleanLeftovers(file);
        } catch (IOException readOnlyFolder) {
            // cleaning is a courtesy; a model in a read-only folder still loads
        }
        long size = Files.size(file);
        if (size == 0) {
            throw new IOException(file + " is empty (0 bytes): it is not a saved model; save it again.");
        }
        // sizes checked before anything is allocated from the file (see SavedLayout)
        long least;
        try {
            least = SavedLayout.valueBytes(parameters());
        } catch (ArithmeticException e) {
            throw new IOException(
                    "This " + getClass().getSimpleName()
                            + " has more parameters than a file can hold: build it with smaller sizes.",
                    e);
        }
        if (size < least) {
            throw SavedLayout.refused(
                    file,
                    getClass().getSimpleName(),
                    "it ends too early: " + size + " bytes, fewer than " + least
                            + " for this model's parameter values alone (a truncated copy?)");
        }
        java.io.ByteArrayOutputStream backup = new java.io.ByteArrayOutputStream();
        saveParameters(new DataOutputStream(backup));
        byte[] saved = backup.toByteArray();
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(saved.length + 1);
        }
        new SavedLayout(saved, parameters()).check(bytes, size, file, getClass().getSimpleName());
        try (DataInputStream data = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
            loadParameters(Tensors.manager(), data);
        } catch (MalformedModelException | IOException | RuntimeException e) {
            restore(saved);
            String what = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new IOException(
                    file + " does not hold parameters for this " + getClass().getSimpleName() + " (" + what
                            + "). Build the model with the same sizes it was saved with, or save it again.",
                    e);
        }
        requireGradients();
        @SuppressWarnings("unchecked")
        M self = (M) this;
        return self;
    }

    /**
     * Checks, without reading them in, that {@code file} holds parameters of this model's sizes
     * (as {@link #load(Path)} would); the IOException says what differs.
     */
    public void checkSaved(Path file) throws IOException {
        java.io.ByteArrayOutputStream mine = new java.io.ByteArrayOutputStream();
        saveParameters(new DataOutputStream(mine));
        long size = Files.size(file);
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(mine.size() + 1);
        }
        new SavedLayout(mine.toByteArray(), parameters())
                .check(bytes, size, file, getClass().getSimpleName());
    }

    private void restore(byte[] saved) throws IOException {
        try {
            loadParameters(Tensors.manager(), new DataInputStream(new java.io.ByteArrayInputStream(saved)));
        } catch (MalformedModelException e) {
            throw new IOException(e);
        }
        requireGradients();
    }

    private void requireGradients() {
        for (Parameters.Named p : parameters()) {
            if (p.parameter().requiresGradient()) {
                p.array().setRequiresGradient(true);
            }
        }
    }

    // ---- DJL plumbing -------------------------------------------------------------------

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        throw new UnsupportedOperationException("Output shapes are known after forward(x).");
    }

    @Override
    public boolean isInitialized() {
        return true; // parameters are created, initialised, in the constructor
    }

    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {}

    @Override
    public ai.djl.nn.BlockList getChildren() {
        discover();
        return super.getChildren();
    }

    @Override
    public ai.djl.nn.ParameterList getDirectParameters() {
        discover();
        return super.getDirectParameters();
    }

    @Override
    protected void saveMetadata(DataOutputStream os) {}

    @Override
    protected void loadMetadata(byte loadVersion, DataInputStream is) throws MalformedModelException {
        if (loadVersion != version) {
            throw new MalformedModelException("unexpected version " + loadVersion);
        }
    }

    private synchronized void discover() {
        if (discovered) {
            return;
        }
        discovered = true;
        List<Class<?>> chain = new ArrayList<>();
        for (Class<?> c = getClass(); c != Module.class; c = c.getSuperclass()) {
            chain.add(0, c);
        }
        for (Class<?> c : chain) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic()) {
                    continue;
                }
                Object value;
                try {
                    f.setAccessible(true);
                    value = f.get(this);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    continue;
                }
                if (value instanceof Parameter p && !parameters.containsValue(p)) {
                    parameters.put(f.getName(), p);
                } else if (value instanceof Block b
                        && value != this
                        && !children.values().contains(b)) {
                    children.add(f.getName(), b);
                }
            }
        }
    }

    // ---- printing like PyTorch ----------------------------------------------------------

    /** The part after the class name, e.g. {@code 944, 50} for an embedding. */
    protected String extraRepr() {
        return "";
    }

    @Override
    public String toString() {
        discover();
        String head = getClass().getSimpleName() + "(" + extraRepr();
        if (children.isEmpty()) {
            return head + ")";
        }
        StringBuilder sb = new StringBuilder(head).append('\n');
        for (Pair<String, Block> child : children) {
            String inner = child.getValue().toString().replace("\n", "\n  ");
            sb.append("  (").append(child.getKey()).append("): ").append(inner).append('\n');
        }
        return sb.append(')').toString();
    }
}
