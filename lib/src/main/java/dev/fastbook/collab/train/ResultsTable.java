package dev.fastbook.collab.train;

import dev.fastbook.collab.display.Display;
import dev.fastbook.collab.display.Displayable;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** fastai's results table: {@code epoch | train_loss | valid_loss | time}, one row per epoch. */
public final class ResultsTable implements Displayable {
    /** One epoch's figures; time in seconds. */
    public record Row(int epoch, double trainLoss, double validLoss, double seconds) {}

    private final List<Row> rows = new ArrayList<>();

    void add(Row row) {
        rows.add(row);
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    public int size() {
        return rows.size();
    }

    /** The last epoch's validation loss. */
    public double finalValidLoss() {
        if (rows.isEmpty()) {
            throw new IllegalStateException("No epoch has run yet.");
        }
        return rows.get(rows.size() - 1).validLoss();
    }

    /** As a Tablesaw table, for further analysis. */
    public Table toTable() {
        IntColumn e = IntColumn.create("epoch");
        DoubleColumn t = DoubleColumn.create("train_loss");
        DoubleColumn v = DoubleColumn.create("valid_loss");
        StringColumn s = StringColumn.create("time");
        for (Row r : rows) {
            e.append(r.epoch());
            t.append(r.trainLoss());
            v.append(r.validLoss());
            s.append(time(r.seconds()));
        }
        return Table.create("results", e, t, v, s);
    }

    static String time(double seconds) {
        long s = Math.round(seconds);
        return String.format("%02d:%02d", s / 60, s % 60);
    }

    static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.6f", v);
    }

    /** fastai's HTML layout, so notebooks look like the book's. */
    public String html() {
        StringBuilder sb = new StringBuilder("<table border=\"1\" class=\"dataframe\">\n  <thead>\n    <tr style=\"text-align: left;\">\n"
                + "      <th>epoch</th>\n      <th>train_loss</th>\n      <th>valid_loss</th>\n      <th>time</th>\n    </tr>\n  </thead>\n  <tbody>\n");
        for (Row r : rows) {
            sb.append("    <tr>\n      <td>").append(r.epoch()).append("</td>\n      <td>").append(fmt(r.trainLoss()))
                    .append("</td>\n      <td>").append(fmt(r.validLoss())).append("</td>\n      <td>")
                    .append(time(r.seconds())).append("</td>\n    </tr>\n");
        }
        return sb.append("  </tbody>\n</table>").toString();
    }

    static String header() {
        return String.format("%-10s%-12s%-12s%-8s", "epoch", "train_loss", "valid_loss", "time");
    }

    static String line(Row r) {
        return String.format("%-10d%-12s%-12s%-8s", r.epoch(), fmt(r.trainLoss()), fmt(r.validLoss()), time(r.seconds()));
    }

    /** fastai's console layout. */
    public String text() {
        StringBuilder sb = new StringBuilder(header().strip());
        for (Row r : rows) {
            sb.append('\n').append(line(r).strip());
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
