package dev.fastbook.collab.recommend;

import java.nio.file.Path;

/**
 * The child process of {@link EditedSavedModelTest}: loads each folder it is given and prints one
 * marked line per folder ({@code RESULT|folder|exception class|message}), so the parent can
 * ignore whatever else the JVM prints (warnings on newer Javas, engine logs). An edited folder
 * that crashed the JVM leaves fewer marked lines than folders.
 */
public final class LoadEdited {
    public static void main(String[] args) {
        for (String dir : args) {
            String outcome;
            try {
                Recommender.load(Path.of(dir));
                outcome = "loaded|";
            } catch (Throwable e) {
                outcome = e.getClass().getName() + "|"
                        + String.valueOf(e.getMessage()).replace('\n', ' ');
            }
            System.out.println("RESULT|" + Path.of(dir).getFileName() + "|" + outcome);
            System.out.flush();
        }
    }
}
