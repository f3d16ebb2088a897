package dev.fastbook.collab.movielens;

import dev.fastbook.collab.formats.MalformedDataException;
import dev.fastbook.collab.formats.TextLines;
import dev.fastbook.collab.formats.TextLines.Line;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The users of the two releases that describe them, as one table {@code user, age, gender,
 * occupation, zip} (user and age IntColumns, the others StringColumns):
 * ml-100k's {@code u.user} ({@code id|age|gender|occupation|zip}) and ml-1m's {@code users.dat}
 * ({@code id::gender::age::occupation::zip}). In ml-1m the age is the lower end of a bracket
 * (1 = under 18, 18, 25, 35, 45, 50, 56 = 56 and over) and the occupation a code, turned here into
 * the name ml-1m's README gives it.
 */
final class UsersReader {

    /** ml-1m's occupation codes 0..20, as its README names them. */
    static final List<String> ML_1M_OCCUPATIONS = List.of(
            "other",
            "academic/educator",
            "artist",
            "clerical/admin",
            "college/grad student",
            "customer service",
            "doctor/health care",
            "executive/managerial",
            "farmer",
            "homemaker",
            "K-12 student",
            "lawyer",
            "programmer",
            "retired",
            "sales/marketing",
            "scientist",
            "self-employed",
            "technician/engineer",
            "tradesman/craftsman",
            "unemployed",
            "writer");

    private static final List<Integer> ML_1M_AGES = List.of(1, 18, 25, 35, 45, 50, 56);

    private UsersReader() {}

    /** ml-100k's {@code u.user}. */
    static Table uUser(Path file) {
        Columns columns = new Columns();
        for (Line line : TextLines.read(file)) {
            String[] f = fields(file, line, "\\|", "'|'", "user id, age, gender, occupation, zip");
            columns.add(
                    TextLines.intField(f[0], "user id", file, line),
                    TextLines.intField(f[1], "age", file, line),
                    gender(f[2], file, line),
                    f[3].trim(),
                    f[4].trim());
        }
        return columns.table();
    }

    /** ml-1m's {@code users.dat}. */
    static Table dat(Path file) {
        Columns columns = new Columns();
        for (Line line : TextLines.read(file)) {
            String[] f = fields(file, line, Pattern.quote("::"), "'::'", "user id, gender, age, occupation, zip");
            int age = TextLines.intField(f[2], "age", file, line);
            if (!ML_1M_AGES.contains(age)) {
                throw new MalformedDataException(
                        file,
                        line.number(),
                        "age " + age + " is not one of ml-1m's age brackets " + ML_1M_AGES + ": "
                                + TextLines.quote(line.text()));
            }
            int occupation = TextLines.intField(f[3], "occupation", file, line);
            if (occupation < 0 || occupation >= ML_1M_OCCUPATIONS.size()) {
                throw new MalformedDataException(
                        file,
                        line.number(),
                        "occupation " + occupation + " is not one of ml-1m's codes 0.." + (ML_1M_OCCUPATIONS.size() - 1)
                                + ": " + TextLines.quote(line.text()));
            }
            columns.add(
                    TextLines.intField(f[0], "user id", file, line),
                    age,
                    gender(f[1], file, line),
                    ML_1M_OCCUPATIONS.get(occupation),
                    f[4].trim());
        }
        return columns.table();
    }

    private static String[] fields(Path file, Line line, String regex, String separator, String names) {
        String[] fields = line.text().split(regex, -1);
        if (fields.length != 5) {
            throw new MalformedDataException(
                    file,
                    line.number(),
                    "expected 5 " + separator + "-separated fields (" + names + ") but found " + fields.length + ": "
                            + TextLines.quote(line.text()));
        }
        return fields;
    }

    private static String gender(String field, Path file, Line line) {
        String g = field.trim();
        if (!g.equals("M") && !g.equals("F")) {
            throw new MalformedDataException(
                    file,
                    line.number(),
                    "the gender field must be M or F but is " + TextLines.quote(field) + ": "
                            + TextLines.quote(line.text()));
        }
        return g;
    }

    private static final class Columns {
        final IntColumn user = IntColumn.create("user");
        final IntColumn age = IntColumn.create("age");
        final StringColumn gender = StringColumn.create("gender");
        final StringColumn occupation = StringColumn.create("occupation");
        final StringColumn zip = StringColumn.create("zip");

        void add(int id, int years, String g, String job, String code) {
            user.append(id);
            age.append(years);
            gender.append(g);
            occupation.append(job);
            zip.append(code);
        }

        Table table() {
            return Table.create("users", user, age, gender, occupation, zip);
        }
    }
}
