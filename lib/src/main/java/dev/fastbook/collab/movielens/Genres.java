package dev.fastbook.collab.movielens;

import java.util.List;
import java.util.TreeSet;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Genres as flags: a table {@code movie} plus one 0/1 IntColumn per genre, one row per movie, so that
 * {@code ratings.joinOn("movie").inner(genres)} gives every rating its movie's genres as numeric
 * columns (what a tabular model takes).
 */
final class Genres {

    /** ml-100k's 19 genres, in u.item's (and u.genre's) order. */
    static final List<String> ML_100K = List.of(
            "unknown",
            "Action",
            "Adventure",
            "Animation",
            "Children's",
            "Comedy",
            "Crime",
            "Documentary",
            "Drama",
            "Fantasy",
            "Film-Noir",
            "Horror",
            "Musical",
            "Mystery",
            "Romance",
            "Sci-Fi",
            "Thriller",
            "War",
            "Western");

    private Genres() {}

    static Table table(int[] movies, List<String> names, int[][] flags) {
        Table table = Table.create("genres", IntColumn.create("movie", movies));
        for (int g = 0; g < names.size(); g++) {
            table.addColumns(IntColumn.create(names.get(g), flags[g]));
        }
        return table;
    }

    /**
     * The flags of a movies table with a {@code genres} column of '|'-separated names (movies.dat,
     * movies.csv): one column per name that occurs, in alphabetical order; ml-latest's
     * "(no genres listed)" is a genre like the others, as ml-100k's "unknown" is.
     */
    static Table fromNames(Table movies) {
        StringColumn genres = movies.stringColumn("genres");
        TreeSet<String> names = new TreeSet<>();
        for (String value : genres) {
            for (String name : value.split("\\|")) {
                if (!name.isBlank()) {
                    names.add(name.trim());
                }
            }
        }
        List<String> ordered = List.copyOf(names);
        int[][] flags = new int[ordered.size()][movies.rowCount()];
        for (int row = 0; row < movies.rowCount(); row++) {
            for (String name : genres.get(row).split("\\|")) {
                if (!name.isBlank()) {
                    flags[ordered.indexOf(name.trim())][row] = 1;
                }
            }
        }
        return table(movies.intColumn("movie").asIntArray(), ordered, flags);
    }
}
