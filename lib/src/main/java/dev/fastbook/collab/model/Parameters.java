package dev.fastbook.collab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import dev.fastbook.collab.display.Display;
import dev.fastbook.collab.display.Displayable;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A module's parameters with their names, printed the way fastai prints a list of them:
 * {@code (#1) [a: Parameter (3) [1.0, 1.0, 1.0]]}.
 */
public final class Parameters extends AbstractList<Parameters.Named> implements Displayable {
    /** One parameter and the name it has in its module (field names joined by '_'). */
    public record Named(String name, Parameter parameter) {
        public NDArray array() {
            return parameter.getArray();
        }

        @Override
        public String toString() {
            NDArray a = array();
            String shape = Arrays.stream(a.getShape().getShape())
                    .mapToObj(Long::toString)
                    .collect(Collectors.joining(", ", "(", ")"));
            String text = name + ": Parameter " + shape;
            if (a.size() <= 10) {
                float[] v = a.toFloatArray();
                StringBuilder sb = new StringBuilder(" [");
                for (int i = 0; i < v.length; i++) {
                    sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4g", v[i]));
                }
                text += sb.append(']');
            }
            return text;
        }
    }

    private final List<Named> items;

    Parameters(List<Named> items) {
        this.items = List.copyOf(items);
    }

    @Override
    public Named get(int index) {
        return items.get(index);
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public String toString() {
        return "(#" + size() + ") " + items;
    }

    @Override
    public Map<String, String> mimeBundle() {
        return Displayable.htmlAndText("<pre>" + Display.escape(toString()) + "</pre>", toString());
    }
}
