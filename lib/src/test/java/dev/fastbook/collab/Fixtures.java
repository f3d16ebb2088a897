package dev.fastbook.collab;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Small synthetic ratings with a real latent structure, so a model can learn them quickly. */
public final class Fixtures {
    private Fixtures() {}

    /** {@code users x items} ratings from 2 hidden factors, clipped to 1..5, about {@code density} filled. */
    public static Table synthetic(int users, int items, double density, long seed) {
        Random r = new Random(seed);
        double[][] uf = new double[users][2];
        double[][] itf = new double[items][2];
        for (double[] f : uf) {
            f[0] = r.nextGaussian();
            f[1] = r.nextGaussian();
        }
        for (double[] f : itf) {
            f[0] = r.nextGaussian();
            f[1] = r.nextGaussian();
        }
        IntColumn u = IntColumn.create("user");
        StringColumn t = StringColumn.create("title");
        DoubleColumn y = DoubleColumn.create("rating");
        for (int i = 0; i < users; i++) {
            for (int j = 0; j < items; j++) {
                if (r.nextDouble() < density) {
                    double v = 3 + uf[i][0] * itf[j][0] + uf[i][1] * itf[j][1];
                    u.append(i + 1);
                    t.append("Movie " + (j + 1));
                    y.append(Math.max(1, Math.min(5, Math.round(v))));
                }
            }
        }
        return Table.create("ratings", u, t, y);
    }

    /** What {@code r} prints to {@code System.out}. */
    public static String printed(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
