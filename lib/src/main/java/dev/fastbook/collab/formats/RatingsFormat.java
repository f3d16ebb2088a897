package dev.fastbook.collab.formats;

import java.util.Locale;

/** How the fields of a ratings file are separated, and whether a header line is expected. */
public enum RatingsFormat {
    TAB("\t", false, "tab-separated"),
    DOUBLE_COLON("::", false, "'::'-separated"),
    CSV(",", true, "comma-separated");

    final String separator;
    final boolean header;
    final String description;

    RatingsFormat(String separator, boolean header, String description) {
        this.separator = separator;
        this.header = header;
        this.description = description;
    }

    /** The format a ratings file's name implies (u.data, u1.base, *.dat, *.csv), or null. */
    public static RatingsFormat ofFileName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".data") || lower.endsWith(".tsv") || lower.endsWith(".base") || lower.endsWith(".test")) {
            return TAB;
        }
        if (lower.endsWith(".dat")) {
            return DOUBLE_COLON;
        }
        if (lower.endsWith(".csv")) {
            return CSV;
        }
        return null;
    }

    /** The format of a line of a file whose name says nothing. */
    public static RatingsFormat ofLine(String line) {
        if (line.contains("::")) {
            return DOUBLE_COLON;
        }
        return line.contains("\t") ? TAB : CSV;
    }

    /** The scale a file of this format has when nothing else is known: see {@link RatingScale}. */
    public RatingScale defaultScale() {
        return switch (this) {
            case TAB -> RatingScale.WHOLE;
            case DOUBLE_COLON -> RatingScale.AUTO;
            case CSV -> RatingScale.HALF;
        };
    }
}
