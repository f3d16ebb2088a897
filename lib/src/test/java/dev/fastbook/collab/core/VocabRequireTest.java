package dev.fastbook.collab.core;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class VocabRequireTest {
    static final Vocab TITLES = Vocab.of(
            "title",
            List.of(
                    "Star Wars (1977)",
                    "Star Trek: Generations (1994)",
                    "Return of the Jedi (1983)",
                    "Alien (1979)",
                    "Aliens (1986)",
                    "Toy Story (1995)"));

    static String error(Runnable call) {
        return assertThrows(IllegalArgumentException.class, call::run).getMessage();
    }

    @Test
    void knownValuesAreFound() {
        assertEquals(TITLES.indexOf("Alien (1979)"), TITLES.require("Alien (1979)"));
        assertTrue(TITLES.require("Toy Story (1995)") > 0);
        assertTrue(error(() -> TITLES.require("#na#")).contains("not in the title vocabulary"), "#na# is no title");
    }

    @Test
    void closeNamesAreSuggestedCaseAndSpacesFirst() {
        assertEquals(
                "'star wars  (1977)' is not in the title vocabulary (6 values); did you mean 'Star Wars (1977)'?",
                error(() -> TITLES.require("star wars  (1977)")));
        // a part of the name: the titles that contain it
        assertTrue(
                error(() -> TITLES.require("Star Wars")).endsWith("did you mean 'Star Wars (1977)'?"),
                error(() -> TITLES.require("Star Wars")));
        // a typo: edit distance
        assertTrue(error(() -> TITLES.require("Toy Stroy (1995)")).endsWith("did you mean 'Toy Story (1995)'?"));
        // several: at most three, closest first
        String alien = error(() -> TITLES.require("alien"));
        assertTrue(alien.endsWith("did you mean 'Alien (1979)' or 'Aliens (1986)'?"), alien);
        assertEquals(List.of("Alien (1979)", "Aliens (1986)"), TITLES.closest("alien", 3));
        String nothing = error(() -> TITLES.require("Casablanca (1942)"));
        assertTrue(nothing.endsWith("Values must match exactly, e.g. 'Alien (1979)'."), nothing);
        assertTrue(error(() -> TITLES.require(null)).startsWith("null is not in the title vocabulary"));
    }

    @Test
    void onlyTrainingBuiltVocabulariesMentionTheValidationSet() {
        Vocab users = Vocab.of("user", List.of(1, 2, 3, 10, 200));
        assertFalse(error(() -> TITLES.require("Casablanca")).contains("validation"));
        String user = error(() -> users.requireFromTraining(20));
        assertTrue(
                user.startsWith("'20' is not in the user vocabulary (5 values); did you mean '2', '10' or '200'?"),
                user);
        assertTrue(user.endsWith("it may have been split such that it's only in the validation set now."), user);
    }
}
