package dev.fastbook.collab.formats;

import java.nio.file.Path;
import java.util.Arrays;
import tech.tablesaw.api.FloatColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * The ratings being read, in growing primitive arrays (no object per row), and the Tablesaw table
 * {@code user, movie, rating, timestamp} made from them at the end.
 */
final class RatingsColumns {

    static final String[] NAMES = {"user", "movie", "rating", "timestamp"};

    private final Path file;
    private int[] users;
    private int[] movies;
    private float[] ratings;
    private int[] timestamps;
    private int rows;
    private boolean allWhole = true;

    RatingsColumns(Path file, int capacity) {
        this.file = file;
        users = new int[capacity];
        movies = new int[capacity];
        ratings = new float[capacity];
        timestamps = new int[capacity];
    }

    int rows() {
        return rows;
    }

    void add(int user, int movie, float rating, int timestamp) {
        if (rows == users.length) {
            grow();
        }
        users[rows] = user;
        movies[rows] = movie;
        ratings[rows] = rating;
        timestamps[rows] = timestamp;
        allWhole &= rating == (int) rating;
        rows++;
    }

    private void grow() {
        int capacity = (int) Math.min(Integer.MAX_VALUE - 16, users.length + (users.length >> 1) + 1024L);
        if (capacity <= users.length) {
            throw new MalformedDataException(file, rows + 1, "more than " + rows + " ratings: too many for one table");
        }
        users = Arrays.copyOf(users, capacity);
        movies = Arrays.copyOf(movies, capacity);
        ratings = Arrays.copyOf(ratings, capacity);
        timestamps = Arrays.copyOf(timestamps, capacity);
    }

    /** The table; ratings as ints where the scale says so. The arrays are released column by column. */
    Table table(RatingScale scale) {
        Table table = Table.create("ratings");
        // Trimmed copies; the growing arrays become garbage as each column is made (one column's worth extra at a
        // time).
        table.addColumns(IntColumn.create(NAMES[0], trim(users)));
        users = null;
        table.addColumns(IntColumn.create(NAMES[1], trim(movies)));
        movies = null;
        if (scale.asInts(allWhole)) {
            int[] whole = new int[rows];
            for (int i = 0; i < rows; i++) {
                whole[i] = (int) ratings[i];
            }
            table.addColumns(IntColumn.create(NAMES[2], whole));
        } else {
            table.addColumns(
                    FloatColumn.create(NAMES[2], rows == ratings.length ? ratings : Arrays.copyOf(ratings, rows)));
        }
        ratings = null;
        table.addColumns(IntColumn.create(NAMES[3], trim(timestamps)));
        timestamps = null;
        return table;
    }

    private int[] trim(int[] column) {
        return column.length == rows ? column : Arrays.copyOf(column, rows);
    }
}
