package dev.fastbook.collab.train.optim;

/**
 * A float array kept in {@link #CHUNK}-sized pieces, so the CPU pass works on one chunk's weights,
 * gradient and moving averages at the same index while they stay in cache.
 */
final class Chunked {
    /** Floats per chunk: 256 KB, so one chunk's four arrays stay in L2 while updated. */
    static final int CHUNK = 65536;

    final float[][] data;
    final int size;

    Chunked(int size) {
        this.size = size;
        data = new float[(size + CHUNK - 1) / CHUNK][];
        for (int k = 0; k < data.length; k++) {
            data[k] = new float[Math.min(CHUNK, size - k * CHUNK)];
        }
    }

    static Chunked of(float[] flat) {
        Chunked c = new Chunked(flat.length);
        c.put(0, flat, 0, flat.length);
        return c;
    }

    float[] flat() {
        float[] out = new float[size];
        get(0, out, 0, size);
        return out;
    }

    /** Elements [e, e+len) into dst[at..]. */
    void get(int e, float[] dst, int at, int len) {
        while (len > 0) {
            int k = e / CHUNK, i = e % CHUNK, n = Math.min(len, CHUNK - i);
            System.arraycopy(data[k], i, dst, at, n);
            e += n;
            at += n;
            len -= n;
        }
    }

    void put(int e, float[] src, int at, int len) {
        while (len > 0) {
            int k = e / CHUNK, i = e % CHUNK, n = Math.min(len, CHUNK - i);
            System.arraycopy(src, at, data[k], i, n);
            e += n;
            at += n;
            len -= n;
        }
    }

    float maxAbs() {
        float max = 0;
        for (float[] d : data) {
            max = Math.max(max, AdamMath.maxAbs(d, d.length));
        }
        return max;
    }
}
