package dev.fastbook.collab.implicit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fastbook.collab.recommend.RatedItems;
import dev.fastbook.collab.recommend.Scorer;
import dev.fastbook.collab.recommend.TopKSelection;
import org.junit.jupiter.api.Test;

class ItemModelsTest {
    // three users and three items (index 0 is #na# in both): user 1 has items 1 and 2, user 2 item 1, user 3 items 2
    // and 3
    private static final Interactions X = Interactions.of(new int[] {1, 1, 2, 3, 3}, new int[] {1, 2, 1, 2, 3}, 4, 4);
    private static final RatedItems SEEN = RatedItems.of(4, 4, new int[] {1, 1, 2, 3, 3}, new int[] {1, 2, 1, 2, 3});
    private static final int[] USERS = {1, 2, 3};

    // the scorer's rows gathered into a users x items table, fine for a 4 x 4 check
    private static float[][] matrix(Scorer scorer) {
        float[][] out = new float[4][];
        scorer.scoreRows(USERS, 1, (p, row) -> out[USERS[p]] = row.clone());
        return out;
    }

    @Test
    void easeIsTheClosedFormComputedByHand() {
        // XᵀX + I = [[3,1,0],[1,3,1],[0,1,2]] over items 1..3; its inverse P = [[5,-2,1],[-2,6,-3],[1,-3,8]] / 13;
        // B_ij = -P_ij / P_jj off the diagonal, 0 on it
        Ease ease = Ease.fit(X, 1);
        double[][] expected = {{0, 1.0 / 3, -1.0 / 8}, {2.0 / 5, 0, 3.0 / 8}, {-1.0 / 5, 1.0 / 2, 0}};
        for (int i = 1; i <= 3; i++) {
            for (int j = 1; j <= 3; j++) {
                assertEquals(expected[i - 1][j - 1], ease.weight(i, j), 1e-12, "B[" + i + "][" + j + "]");
            }
        }
        float[][] s = matrix(ease.scores());
        assertEquals(1.0 / 4, s[1][3], 1e-6); // user 1: B13 + B23
        assertEquals(1.0 / 3, s[2][2], 1e-6); // user 2: B12
        assertEquals(-1.0 / 8, s[2][3], 1e-6); // user 2: B13
        assertEquals(1.0 / 5, s[3][1], 1e-6); // user 3: B21 + B31
    }

    @Test
    void easeRanksThreeUsersUnseenItems() {
        var lists = TopKSelection.of(Ease.fit(X, 1).scores(), SEEN, USERS, 2, 1);
        assertArrayEquals(new int[] {3}, lists.items(0));
        assertArrayEquals(new int[] {2, 3}, lists.items(1));
        assertArrayEquals(new int[] {1}, lists.items(2));
    }

    @Test
    void rp3betaIsTheWalkComputedByHand() {
        // degrees: users 2, 1, 2; items 2, 2, 1. W_ij = deg(i)^-α Σ_u deg(u)^-α / deg(j)^β, here α = 1, β = 0.5
        Rp3Beta rp3 = Rp3Beta.fit(X, 1, 0.5, 10);
        assertEquals(0.5 * 0.5 / Math.sqrt(2), rp3.weight(1, 2), 1e-12); // through user 1
        assertEquals(0.5 * 0.5 / Math.sqrt(2), rp3.weight(2, 1), 1e-12);
        assertEquals(0.5 * 0.5 / 1, rp3.weight(2, 3), 1e-12); // through user 3
        assertEquals(1 * 0.5 / Math.sqrt(2), rp3.weight(3, 2), 1e-12);
        assertEquals(0, rp3.weight(1, 3)); // no user has both
        assertEquals(0, rp3.weight(2, 2)); // never to itself
        float[][] s = matrix(rp3.scores());
        assertEquals(0.25 / Math.sqrt(2), s[2][2], 1e-6);
        assertEquals(0.25, s[1][3], 1e-6); // W13 + W23
        // one neighbour: item 2 keeps only its stronger link (to item 3)
        Rp3Beta one = Rp3Beta.fit(X, 1, 0.5, 1);
        assertEquals(0, one.weight(2, 1));
        assertEquals(0.25, one.weight(2, 3), 1e-12);
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Ease.fit(X, 0));
        assertThrows(IllegalArgumentException.class, () -> Rp3Beta.fit(X, 1, -1, 10));
        assertThrows(IllegalArgumentException.class, () -> Interactions.of(new int[] {1}, new int[] {4}, 4, 4));
    }
}
