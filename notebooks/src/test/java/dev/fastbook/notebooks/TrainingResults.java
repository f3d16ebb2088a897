package dev.fastbook.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

/**
 * A training cell's results table as the notebook shows it ({@code epoch | train_loss | valid_loss | time},
 * fastai's layout), parsed from the cell's HTML.
 */
public record TrainingResults(List<Epoch> epochs, HtmlTable table) {

    public static final List<String> HEADER = List.of("epoch", "train_loss", "valid_loss", "time");

    public record Epoch(int epoch, double trainLoss, double validLoss, String time) {}

    /** The results tables among a cell's HTML tables (usually one per training call). */
    public static List<TrainingResults> in(ExecutedNotebook.Cell cell) {
        List<TrainingResults> out = new ArrayList<>();
        for (HtmlTable t : cell.tables()) {
            if (t.header().equals(HEADER)) {
                out.add(parse(t));
            }
        }
        return out;
    }

    /** The one results table a training cell shows; fails when there is none or more than one. */
    public static TrainingResults of(ExecutedNotebook.Cell cell) {
        List<TrainingResults> tables = in(cell);
        assertEquals(1, tables.size(), () -> "one results table in the cell:\n" + cell.source() + "\n" + cell.text());
        return tables.get(0);
    }

    static TrainingResults parse(HtmlTable t) {
        List<Epoch> epochs = new ArrayList<>();
        for (List<String> row : t.rows()) {
            assertEquals(4, row.size(), () -> "epoch | train_loss | valid_loss | time: " + row);
            assertTrue(row.get(3).matches("\\d\\d:\\d\\d"), () -> "time as mm:ss: " + row);
            epochs.add(new Epoch(
                    Integer.parseInt(row.get(0)),
                    Double.parseDouble(row.get(1)),
                    Double.parseDouble(row.get(2)),
                    row.get(3)));
        }
        return new TrainingResults(List.copyOf(epochs), t);
    }

    public double finalValidLoss() {
        return epochs.get(epochs.size() - 1).validLoss();
    }

    public double bestValidLoss() {
        return epochs.stream().mapToDouble(Epoch::validLoss).min().orElseThrow();
    }

    /** Asserts fastai's shape (epochs 0..n-1, finite losses) and a final valid_loss in [lo, hi]. */
    public void assertEpochsAndFinalValidLoss(String model, int n, double lo, double hi) {
        assertEquals(n, epochs.size(), () -> model + ": " + n + " epochs in\n" + table);
        for (int i = 0; i < n; i++) {
            Epoch e = epochs.get(i);
            assertEquals(i, e.epoch(), () -> model + ": epochs numbered from 0\n" + table);
            assertTrue(
                    e.trainLoss() > 0 && e.trainLoss() < 10 && e.validLoss() > 0 && e.validLoss() < 10,
                    () -> model + ": plausible losses in epoch " + e);
        }
        double last = finalValidLoss();
        assertTrue(
                last >= lo && last <= hi,
                () -> String.format(
                        "%s: final valid_loss %.6f should be within [%.2f, %.2f] (the book's range); the table:%n%s",
                        model, last, lo, hi, table));
    }
}
