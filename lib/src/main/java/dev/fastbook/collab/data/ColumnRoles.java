package dev.fastbook.collab.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.FloatColumn;
import tech.tablesaw.api.NumberColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Which columns hold the users, the items and the ratings. A column the caller names is taken as
 * it is. Otherwise a column whose name says it (user/userId, movie/movieId/item/title,
 * rating/score, any case, in any order), and then fastai's rule for what is left: the first
 * remaining column for users, the next for items, the next for ratings. A guess that cannot be
 * right (floating-point ids, a time, text as ratings, ids almost all distinct) is refused with the
 * names to pass; a guess by position is printed, in one line, so it is never silent.
 */
record ColumnRoles(
        String user,
        String item,
        String rating,
        Source userFrom,
        Source itemFrom,
        Source ratingFrom,
        Set<String> excluded) {
    enum Source {
        NAMED,
        BY_NAME,
        BY_POSITION
    }

    private static final List<String> USER_NAMES = List.of("user", "userid", "users", "customer", "customerid");
    private static final List<String> ITEM_NAMES =
            List.of("movie", "movieid", "item", "itemid", "title", "product", "productid", "book", "bookid");
    private static final List<String> RATING_NAMES = List.of("rating", "ratings", "score", "stars", "value");

    // A guessed id column with at least this many rows and this share of distinct values is refused.
    private static final int MANY_ROWS = 1000;
    private static final double ALMOST_ALL = 0.9;

    /** The roles, none of them taken from {@code extras} (the extra columns the caller names). */
    static ColumnRoles choose(Table t, String user, String item, String rating, List<String> extras) {
        for (String role : Arrays.asList(user, item, rating)) {
            if (role != null && extras.contains(role)) {
                throw new IllegalArgumentException(
                        "Column '" + role + "' is named both as a user, item or rating column"
                                + " and as an extra column (catNames/contNames); name it once.");
            }
        }
        return choose(t, user, item, rating, Set.copyOf(extras));
    }

    private static ColumnRoles choose(Table t, String user, String item, String rating, Set<String> excluded) {
        for (String[] named : new String[][] {{user, "user"}, {item, "item"}, {rating, "rating"}}) {
            if (named[0] != null && !t.containsColumn(named[0])) {
                throw new IllegalArgumentException("No column '" + named[0] + "' (asked for as the " + named[1]
                        + " column) in table " + t.name() + "; its columns are " + describe(t) + ".");
            }
        }
        if (user != null && (user.equals(item) || user.equals(rating)) || item != null && item.equals(rating)) {
            String twice = user != null && (user.equals(item) || user.equals(rating)) ? user : item;
            throw new IllegalArgumentException("Column '" + twice + "' cannot be both the user or item and another of"
                    + " the user, item and rating columns; the table's columns are " + describe(t) + ".");
        }
        List<String> free = new ArrayList<>(t.columnNames());
        free.removeAll(Arrays.asList(user, item, rating));
        free.removeAll(excluded);
        Source ratingFrom = rating != null ? Source.NAMED : null;
        Source userFrom = user != null ? Source.NAMED : null;
        Source itemFrom = item != null ? Source.NAMED : null;
        if (rating == null && (rating = byName(free, RATING_NAMES)) != null) {
            ratingFrom = Source.BY_NAME;
        }
        if (user == null && (user = byName(free, USER_NAMES)) != null) {
            userFrom = Source.BY_NAME;
        }
        if (item == null && (item = byName(free, ITEM_NAMES)) != null) {
            itemFrom = Source.BY_NAME;
        }
        // fastai's rule for the rest: first, second, third column (of those not taken)
        if (user == null && !free.isEmpty()) {
            user = free.remove(0);
            userFrom = Source.BY_POSITION;
        }
        if (item == null && !free.isEmpty()) {
            item = free.remove(0);
            itemFrom = Source.BY_POSITION;
        }
        if (rating == null && !free.isEmpty()) {
            rating = free.remove(0);
            ratingFrom = Source.BY_POSITION;
        }
        for (String[] role : new String[][] {{user, "user"}, {item, "item"}, {rating, "rating"}}) {
            if (role[0] == null) {
                throw new IllegalArgumentException("No " + role[1] + " column in table '" + t.name()
                        + "': its columns are " + describe(t) + ". Name it with " + role[1] + "Name(\"...\").");
            }
        }
        return new ColumnRoles(user, item, rating, userFrom, itemFrom, ratingFrom, excluded);
    }

    private static String byName(List<String> free, List<String> candidates) {
        for (String want : candidates) {
            for (String c : free) {
                if (key(c).equals(want)) {
                    free.remove(c);
                    return c;
                }
            }
        }
        return null;
    }

    /** Refuses guesses that cannot be right by their type or name; the caller's names are kept. */
    void checkKinds(Table t) {
        Column<?> r = t.column(rating);
        if (!(r instanceof NumberColumn)) {
            throw new IllegalArgumentException(
                    (ratingFrom == Source.NAMED ? "The rating column '" + rating + "'" : "The column '" + rating + "'")
                            + " holds " + r.type().name().toLowerCase(Locale.ROOT)
                            + " values, not numbers, so it cannot be the ratings. The table's columns are "
                            + describe(t)
                            + ": name the rating column with ratingName(...)" + suggestion(t, Set.of(rating)) + ".");
        }
        if (ratingFrom == Source.BY_POSITION && looksLikeTime(rating)) {
            throw new IllegalArgumentException("No rating column in table '" + t.name() + "': its columns are "
                    + describe(t) + ", and by position the ratings would be '" + rating + "', a time. Name the column"
                    + " that holds the ratings with ratingName(\"...\")" + suggestion(t, Set.of(rating)) + ".");
        }
        refuseAsIds(t, user, userFrom, "users");
        refuseAsIds(t, item, itemFrom, "items");
    }

    private void refuseAsIds(Table t, String name, Source from, String what) {
        if (from == Source.NAMED) {
            return;
        }
        Column<?> c = t.column(name);
        String why = c instanceof DoubleColumn || c instanceof FloatColumn
                ? "it holds floating-point numbers"
                : looksLikeTime(name) ? "its name says it is a time" : null;
        if (why != null) {
            throw refusal(t, name, from, what, why);
        }
    }

    /**
     * Refuses a guessed user or item column whose values are almost all distinct over many rows
     * (a timestamp, a row id), given how many distinct values the training rows hold.
     */
    void checkDistinct(Table t, String name, int distinct, int rows) {
        Source from = name.equals(user) ? userFrom : itemFrom;
        if (from == Source.NAMED || rows < MANY_ROWS || distinct < ALMOST_ALL * rows) {
            return;
        }
        throw refusal(
                t,
                name,
                from,
                name.equals(user) ? "users" : "items",
                String.format(
                        Locale.ROOT,
                        "its values are almost all distinct (%,d in %,d training rows), like a timestamp or a row number",
                        distinct,
                        rows));
    }

    private IllegalArgumentException refusal(Table t, String name, Source from, String what, String why) {
        String how = from == Source.BY_POSITION ? "fastai's rule took it by position" : "its name suggested it";
        return new IllegalArgumentException(
                "CollabDataLoaders: column '" + name + "' cannot be the " + what + ": " + why
                        + " (" + how + "). The table's columns are " + describe(t) + ". Name the columns"
                        + suggestion(t, Set.of(name)) + "; a column you name is taken as it is, as categories.");
    }

    // The guess again without the refused columns, as the builder calls to pass.
    private String suggestion(Table t, Set<String> refused) {
        Set<String> skip = new java.util.HashSet<>(excluded);
        skip.addAll(refused);
        try {
            ColumnRoles again = choose(
                    t,
                    userFrom == Source.NAMED ? user : null,
                    itemFrom == Source.NAMED ? item : null,
                    ratingFrom == Source.NAMED ? rating : null,
                    skip);
            return ", e.g. .userName(\"" + again.user + "\").itemName(\"" + again.item + "\").ratingName(\""
                    + again.rating + "\")";
        } catch (IllegalArgumentException e) {
            return " with userName(...), itemName(...) and ratingName(...)";
        }
    }

    /** The one line saying what was guessed by position, or null when nothing was. */
    String guessLine() {
        List<String> byPosition = new ArrayList<>();
        if (userFrom == Source.BY_POSITION) byPosition.add("user");
        if (itemFrom == Source.BY_POSITION) byPosition.add("item");
        if (ratingFrom == Source.BY_POSITION) byPosition.add("rating");
        if (byPosition.isEmpty()) {
            return null;
        }
        String rule = byPosition.size() == 3
                ? "fastai's rule: first, second, third column"
                : String.join(", ", byPosition) + " by position as fastai's rule takes them, the rest by name";
        return "CollabDataLoaders: user=" + user + ", item=" + item + ", rating=" + rating + " (" + rule
                + "; name them with userName/itemName/ratingName)";
    }

    private static boolean looksLikeTime(String name) {
        String k = key(name);
        return k.contains("time") || k.contains("date") || k.equals("ts");
    }

    private static String key(String columnName) {
        return columnName.toLowerCase(Locale.ROOT).replaceAll("[ _\\-]", "");
    }

    static String describe(Table t) {
        List<String> out = new ArrayList<>();
        for (Column<?> c : t.columns()) {
            out.add(c.name() + " (" + c.type().name().toLowerCase(Locale.ROOT) + ")");
        }
        return out.toString();
    }
}
