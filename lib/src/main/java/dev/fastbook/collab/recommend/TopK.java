package dev.fastbook.collab.recommend;

import dev.fastbook.collab.core.Vocab;
import dev.fastbook.collab.display.Display;
import dev.fastbook.collab.display.Displayable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Every user's best unrated items, as {@link Recommender#topK(int)} computed them: one user's list
 * with {@link #forUser(Object)}, the first users as a table with {@link #head(int)}, all of them
 * with {@link #toTable()}. In a notebook it shows the first three users' lists.
 */
public final class TopK implements Displayable {
    private final Vocab users;
    private final Vocab items;
    private final Scorer scorer;
    private final TopKSelection.Lists rows;
    private final int excludedPairs;

    /** Row r of {@code rows} is user r + 1 (every user of the vocabulary after {@code #na#}). */
    TopK(Vocab users, Vocab items, Scorer scorer, TopKSelection.Lists rows, int excludedPairs) {
        this.users = users;
        this.items = items;
        this.scorer = scorer;
        this.rows = rows;
        this.excludedPairs = excludedPairs;
    }

    /** The user's recommendations, best first; an unknown user is an error that suggests close ids. */
    public List<Recommendation> forUser(Object user) {
        return forRow(users.requireFromTraining(user) - 1);
    }

    private List<Recommendation> forRow(int r) {
        return recommendations(rows, r, items, scorer);
    }

    /** Row {@code r} of {@code lists} as items by name, each with the prediction its score stands for. */
    static List<Recommendation> recommendations(TopKSelection.Lists lists, int r, Vocab items, Scorer scorer) {
        int k = lists.k();
        List<Recommendation> out = new ArrayList<>(lists.counts()[r]);
        for (int j = 0; j < lists.counts()[r]; j++) {
            out.add(new Recommendation(
                    items.get(lists.best()[r * k + j]), scorer.predicted(lists.scores()[r * k + j])));
        }
        return out;
    }

    /** Users covered: every user in the vocabulary. */
    public int users() {
        return rows.counts().length;
    }

    /** The most items per user that were asked for (after capping at the catalogue's size). */
    public int k() {
        return rows.k();
    }

    /** The first {@code nUsers} users' recommendations, one row per (user, rank). */
    public Table head(int nUsers) {
        if (nUsers < 0) {
            throw new IllegalArgumentException("head(n) needs n >= 0, got " + nUsers);
        }
        return table(Math.min(nUsers, users()));
    }

    /** Every user's recommendations, one row per (user, rank): {@code users() * k()} rows at most. */
    public Table toTable() {
        return table(users());
    }

    private Table table(int nUsers) {
        return table(nUsers, Integer.MAX_VALUE);
    }

    private Table table(int nUsers, int perUser) {
        StringColumn u = StringColumn.create(users.name());
        IntColumn rank = IntColumn.create("rank");
        StringColumn it = StringColumn.create(items.name());
        DoubleColumn p = DoubleColumn.create("predicted");
        for (int r = 0; r < nUsers; r++) {
            List<Recommendation> recs = forRow(r);
            for (int j = 0; j < Math.min(perUser, recs.size()); j++) {
                u.append(users.get(r + 1));
                rank.append(j + 1);
                it.append(recs.get(j).item());
                p.append(Math.round(recs.get(j).predicted() * 1000) / 1000.0);
            }
        }
        return Table.create("recommendations", u, rank, it, p);
    }

    @Override
    public Map<String, String> mimeBundle() {
        // A preview small enough to show whole, captioned with what it leaves out.
        int shownUsers = Math.min(3, users());
        int shownItems = Math.min(5, k());
        Table preview = table(shownUsers, shownItems);
        long rowsInAll = 0;
        for (int count : rows.counts()) {
            rowsInAll += count;
        }
        preview.setName(String.format(
                Locale.ROOT,
                "the best %d of %d %ss for the first %d of %,d %ss" + " (head(n) or toTable() for all %,d rows)",
                shownItems,
                k(),
                items.name(),
                shownUsers,
                users(),
                users.name(),
                rowsInAll));
        Map<String, String> bundle = new java.util.LinkedHashMap<>(Display.bundle(preview));
        bundle.put("text/plain", toString());
        return bundle;
    }

    /** A summary and the first three users' lists (their first three items each). */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "TopK: the %d best %s for each of %,d %ss (%s)%n",
                k(),
                items.name(),
                users(),
                users.name(),
                excludedPairs == 0
                        ? "no rated pairs excluded"
                        : String.format(Locale.ROOT, "%,d rated pairs excluded", excludedPairs)));
        int shown = Math.min(3, users());
        for (int r = 0; r < shown; r++) {
            List<Recommendation> recs = forRow(r);
            sb.append("  ")
                    .append(users.name())
                    .append(' ')
                    .append(users.get(r + 1))
                    .append(": ");
            for (int j = 0; j < Math.min(3, recs.size()); j++) {
                sb.append(j > 0 ? ", " : "")
                        .append(recs.get(j).item())
                        .append(String.format(
                                Locale.ROOT, " (%.2f)", recs.get(j).predicted()));
            }
            if (recs.size() > 3) {
                sb.append(", ... ").append(recs.size() - 3).append(" more");
            }
            sb.append('\n');
        }
        if (users() > shown) {
            sb.append(String.format(
                    Locale.ROOT,
                    "  ... %,d more %ss: forUser(id) for one, head(n) or toTable() as a table%n",
                    users() - shown,
                    users.name()));
        }
        return sb.toString().stripTrailing();
    }
}
