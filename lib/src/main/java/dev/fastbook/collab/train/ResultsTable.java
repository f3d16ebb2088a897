package dev.fastbook.collab.train;

import dev.fastbook.collab.display.Displayable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * fastai's results table: {@code epoch | train_loss | valid_loss | <metrics> | time}, one row per
 * epoch.
 */
public final class ResultsTable implements Displayable {
    /** One epoch's figures; time in seconds; the metrics by name, in column order. */
    public record Row(int epoch, double trainLoss, double validLoss, double seconds, Map<String, Double> metrics) {
        public Row {
            metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        }

        public Row(int epoch, double trainLoss, double validLoss, double seconds) {
            this(epoch, trainLoss, validLoss, seconds, Map.of());
        }

        /** A column by its name: {@code train_loss}, {@code valid_loss} or a metric's. */
        public double value(String name) {
            return switch (name) {
                case "train_loss" -> trainLoss;
                case "valid_loss" -> validLoss;
                default -> {
                    Double v = metrics.get(name);
                    if (v == null) {
                        throw new IllegalArgumentException("No column " + name + " in the results table; it has "
                                + columns(List.copyOf(metrics.keySet())));
                    }
                    yield v;
                }
            };
        }
    }

    private final List<String> metricNames;
    private final List<Row> rows = new ArrayList<>();

    public ResultsTable() {
        this(List.of());
    }

    ResultsTable(List<String> metricNames) {
        this.metricNames = List.copyOf(metricNames);
    }

    void add(Row row) {
        rows.add(row);
    }

    /** The rows so far, one per epoch. */
    public List<Row> rows() {
        return List.copyOf(rows);
    }

    /** Epochs recorded. */
    public int size() {
        return rows.size();
    }

    /** The metrics' column names, in order. */
    public List<String> metricNames() {
        return metricNames;
    }

    /** The columns a callback can monitor: {@code train_loss, valid_loss} and the metrics. */
    static List<String> columns(List<String> metricNames) {
        List<String> out = new ArrayList<>(List.of("train_loss", "valid_loss"));
        out.addAll(metricNames);
        return out;
    }

    /** The last epoch's row. */
    public Row last() {
        if (rows.isEmpty()) {
            throw new IllegalStateException("No epoch has run yet.");
        }
        return rows.get(rows.size() - 1);
    }

    /** The last epoch's validation loss. */
    public double finalValidLoss() {
        return last().validLoss();
    }

    /** As a Tablesaw table, for further analysis. */
    public Table toTable() {
        IntColumn e = IntColumn.create("epoch");
        DoubleColumn t = DoubleColumn.create("train_loss");
        DoubleColumn v = DoubleColumn.create("valid_loss");
        List<DoubleColumn> ms = metricNames.stream().map(DoubleColumn::create).toList();
        StringColumn s = StringColumn.create("time");
        for (Row r : rows) {
            e.append(r.epoch());
            t.append(r.trainLoss());
            v.append(r.validLoss());
            for (DoubleColumn m : ms) {
                m.append(r.value(m.name()));
            }
            s.append(time(r.seconds()));
        }
        Table out = Table.create("results", e, t, v);
        ms.forEach(out::addColumns);
        return out.addColumns(s);
    }

    static String time(double seconds) {
        long s = Math.round(seconds);
        return String.format("%02d:%02d", s / 60, s % 60);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }

    private List<String> header() {
        List<String> h = new ArrayList<>(List.of("epoch", "train_loss", "valid_loss"));
        h.addAll(metricNames);
        h.add("time");
        return h;
    }

    private List<String> cells(Row r) {
        List<String> c = new ArrayList<>(List.of(String.valueOf(r.epoch()), fmt(r.trainLoss()), fmt(r.validLoss())));
        for (String m : metricNames) {
            c.add(fmt(r.value(m)));
        }
        c.add(time(r.seconds()));
        return c;
    }

    /** fastai's HTML layout, so notebooks look like the book's. */
    public String html() {
        StringBuilder sb = new StringBuilder(
                "<table border=\"1\" class=\"dataframe\">\n  <thead>\n    <tr style=\"text-align: left;\">\n");
        for (String h : header()) {
            sb.append("      <th>").append(h).append("</th>\n");
        }
        sb.append("    </tr>\n  </thead>\n  <tbody>\n");
        for (Row r : rows) {
            sb.append("    <tr>\n");
            for (String c : cells(r)) {
                sb.append("      <td>").append(c).append("</td>\n");
            }
            sb.append("    </tr>\n");
        }
        return sb.append("  </tbody>\n</table>").toString();
    }

    // Console columns: "epoch" takes 10 characters, the others 12 (or their name and two), time 8.
    private String line(List<String> cells) {
        List<String> names = header();
        StringBuilder sb = new StringBuilder(String.format("%-10s", cells.get(0)));
        for (int i = 1; i < cells.size() - 1; i++) {
            sb.append(String.format("%-" + Math.max(12, names.get(i).length() + 2) + "s", cells.get(i)));
        }
        return sb.append(String.format("%-8s", cells.get(cells.size() - 1)))
                .toString()
                .strip();
    }

    String headerLine() {
        return line(header());
    }

    String line(Row r) {
        return line(cells(r));
    }

    /** fastai's console layout. */
    public String text() {
        StringBuilder sb = new StringBuilder(headerLine());
        for (Row r : rows) {
            sb.append('\n').append(line(r));
        }
        return sb.toString();
    }

    @Override
    public Map<String, String> mimeBundle() {
        return Displayable.htmlAndText(html(), text());
    }

    /** The console layout; says so when no epoch has run. */
    @Override
    public String toString() {
        return rows.isEmpty() ? text() + "\n(no epochs yet)" : text();
    }
}
