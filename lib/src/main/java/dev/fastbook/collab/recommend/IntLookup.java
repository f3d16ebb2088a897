package dev.fastbook.collab.recommend;

import dev.fastbook.collab.core.Vocab;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.columns.Column;

/** Column values to vocabulary indices; int columns through a dense table instead of a string per row. */
interface IntLookup {
    int indexAt(int row);

    static IntLookup of(Column<?> column, Vocab vocab) {
        if (column instanceof IntColumn ints && vocab.size() > 1) {
            int max = 0;
            int[] parsed = new int[vocab.size()];
            for (int i = 1; i < vocab.size(); i++) {
                try {
                    parsed[i] = Integer.parseInt(vocab.get(i));
                } catch (NumberFormatException notInts) {
                    return row -> vocab.indexOf(column.get(row));
                }
                if (parsed[i] < 0 || !String.valueOf(parsed[i]).equals(vocab.get(i))) { // e.g. "007"
                    return row -> vocab.indexOf(column.get(row));
                }
                max = Math.max(max, parsed[i]);
            }
            if (max < 50_000_000) {
                int[] dense = new int[max + 1];
                for (int i = 1; i < vocab.size(); i++) {
                    dense[parsed[i]] = i;
                }
                return row -> {
                    if (ints.isMissing(row)) {
                        return 0;
                    }
                    int v = ints.getInt(row);
                    return v >= 0 && v < dense.length ? dense[v] : 0;
                };
            }
        }
        return row -> vocab.indexOf(column.get(row));
    }
}
