package dev.fastbook.collab.movielens;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * One of the train/test splits GroupLens ships with ml-100k ({@code u1.base}/{@code u1.test} ...
 * {@code u5}, {@code ua}, {@code ub}): both tables have the columns of {@link MovieLens#ratings()}
 * ({@code user, movie, rating, timestamp}), so titles join on {@code movie} as they do there.
 *
 * <pre>{@code
 * OfficialSplit u1 = MovieLens.dataset("ml-100k").split("u1");
 * Table train = u1.train(), test = u1.test();
 * u1   // shows what the split holds, e.g. how many test rows have a movie the training file lacks
 * }</pre>
 *
 * <p>The shipped splits are not uniform samples. The test files of {@code u1}..{@code u5} are
 * disjoint (together all 100,000 ratings, a 5-fold cross-validation), but each gathers users of a
 * range of ids, so the test users differ from fold to fold: {@code u1.test} holds 20,000 ratings of only 459 users (ids 1-462), {@code u5.test} of 927; 32 of
 * {@code u1.test}'s rows have a movie that {@code u1.base} lacks (a model has no embedding for it).
 * {@code ua} and {@code ub} hold exactly 10 ratings of each of the 943 users in the test. A result on
 * {@code u1} is therefore not the same thing as one on a random 80/20 split; {@link #describe()} gives
 * these figures for any split, computed from its files.
 */
public record OfficialSplit(String name, Table train, Table test) {

    /** How many distinct users the test table has. */
    public int testUsers() {
        return test.intColumn("user").countUnique();
    }

    /** How many distinct users the training table has. */
    public int trainUsers() {
        return train.intColumn("user").countUnique();
    }

    /** Test rows whose movie never occurs in the training table. */
    public int testRowsWithUnseenMovie() {
        return unseen("movie");
    }

    /** Test rows whose user never occurs in the training table. */
    public int testRowsWithUnseenUser() {
        return unseen("user");
    }

    private int unseen(String column) {
        Set<Integer> seen = new HashSet<>();
        for (int id : train.intColumn(column).asIntArray()) {
            seen.add(id);
        }
        int n = 0;
        for (int id : test.intColumn(column).asIntArray()) {
            n += seen.contains(id) ? 0 : 1;
        }
        return n;
    }

    /**
     * What the split holds, e.g. {@code u1: train 80,000 ratings of 943 users and 1,650 movies;
     * test 20,000 ratings of 459 users (ids 1-462) and 1,410 movies; 32 test rows have a movie the
     * training file lacks, 0 a user it lacks}.
     */
    public String describe() {
        IntColumn testUser = test.intColumn("user");
        return String.format(
                Locale.ROOT,
                "%s: train %,d ratings of %,d users and %,d movies; test %,d ratings of %,d users (ids %d-%d) and %,d movies;"
                        + " %,d test rows have a movie the training file lacks, %,d a user it lacks",
                name,
                train.rowCount(),
                trainUsers(),
                train.intColumn("movie").countUnique(),
                test.rowCount(),
                testUsers(),
                (int) testUser.min(),
                (int) testUser.max(),
                test.intColumn("movie").countUnique(),
                testRowsWithUnseenMovie(),
                testRowsWithUnseenUser());
    }

    @Override
    public String toString() {
        return describe();
    }
}
