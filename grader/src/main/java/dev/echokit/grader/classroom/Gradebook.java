package dev.echokit.grader.classroom;

import dev.echokit.grader.intake.NotGraded;
import dev.echokit.grader.lesson.Lesson;
import dev.echokit.grader.report.JsonReport;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A gradebook exported from Canvas or Moodle, and the copy of it with this lesson's column filled
 * from the class's results. Learners are matched through the roster — its id against the
 * gradebook's ids and logins, its e-mail against the gradebook's e-mail or login — and a
 * submission not on the roster by its folder name as an id or login. Only the lesson column's
 * cells of matched learners change; every other byte of the export stays as it was.
 */
public final class Gradebook {

    /** What exported the gradebook: the columns that say who a learner is, and how its scores are read. */
    public enum Kind {
        /** Canvas: Student, ID, SIS User ID, SIS Login ID, Section, then a column per assignment, and a Points Possible row. */
        CANVAS("Canvas", List.of("Student", "ID", "SIS User ID", "SIS Login ID", "Integration ID", "Root Account", "Section")),
        /** Moodle's export to a plain text file: names, ID number, institution, department, e-mail, then a column per grade item. */
        MOODLE("Moodle", List.of("First name", "Last name", "Surname", "ID number", "Username", "Institution", "Department",
                "Email address", "Last downloaded from this course"));

        private final String word;
        private final List<String> identity;

        Kind(String word, List<String> identity) {
            this.word = word;
            this.identity = identity;
        }

        /** "Canvas", "Moodle". */
        public String word() {
            return word;
        }

        /** The copy's name in the results folder: gradebook-canvas.csv, gradebook-moodle.csv. */
        public String copyName() {
            return "gradebook-" + name().toLowerCase(Locale.ROOT) + ".csv";
        }

        boolean isIdentity(String header) {
            return identity.stream().anyMatch(header::equalsIgnoreCase);
        }
    }

    /** Why a gradebook cannot be filled, in words for the instructor; nothing has been written. */
    public static final class Unusable extends Exception {

        private static final long serialVersionUID = 1L;

        Unusable(String why) {
            super(why);
        }
    }

    /** One learner's row of the gradebook: its record, the name it shows, and the ids, logins and e-mails it can be matched by. */
    private record Entry(int record, String name, List<String> ids, List<String> emails) {

        String described() {
            List<String> keys = new ArrayList<>(ids);
            emails.stream().filter(e -> !keys.contains(e)).forEach(keys::add);
            return name + (keys.isEmpty() ? "" : " (" + String.join(", ", keys) + ")");
        }
    }

    private final Path file;
    private final CsvFile csv;
    private final Kind kind;
    private final int column;
    private final String columnName;
    private final Optional<BigDecimal> pointsPossible;
    private final List<Entry> entries;
    private final int max;

    private Gradebook(Path file, CsvFile csv, Kind kind, int column, String columnName, Optional<BigDecimal> pointsPossible, List<Entry> entries,
                      int max) {
        this.file = file;
        this.csv = csv;
        this.kind = kind;
        this.column = column;
        this.columnName = columnName;
        this.pointsPossible = pointsPossible;
        this.entries = entries;
        this.max = max;
    }

    public Kind kind() {
        return kind;
    }

    /** The lesson column's heading, as the gradebook has it. */
    public String column() {
        return columnName;
    }

    /**
     * Reads an export and finds the lesson's column: the one {@code named} (its exact heading), or
     * else the one column whose heading holds the lesson's title, the title before its dash, or its id.
     */
    public static Gradebook read(Path file, Optional<String> named, Lesson lesson) throws IOException, Unusable {
        CsvFile csv;
        try {
            csv = CsvFile.read(Files.readAllBytes(file));
        } catch (IllegalArgumentException e) {
            throw new Unusable(e.getMessage());
        }
        if (csv.records().isEmpty()) {
            throw new Unusable("it is empty");
        }
        List<String> header = csv.values(csv.records().get(0)).stream().map(String::strip).toList();
        Kind kind = kindOf(header);
        Optional<CsvFile.Record> points = kind == Kind.CANVAS ? csv.records().stream().skip(1)
                .filter(r -> csv.value(r, 0).strip().equalsIgnoreCase("Points Possible")).findFirst() : Optional.empty();
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            String h = header.get(i);
            boolean readOnly = points.isPresent() && csv.value(points.get(), i).strip().equalsIgnoreCase("(read only)");
            if (!h.isEmpty() && !kind.isIdentity(h) && !readOnly && !h.startsWith("Feedback:") && !h.toLowerCase(Locale.ROOT).startsWith("course total")) {
                candidates.add(i);
            }
        }
        int column = named.isPresent() ? named(header, named.get().strip(), candidates, kind, points.isPresent())
                : lessonColumn(header, candidates, lesson);
        String name = header.get(column);
        if (kind == Kind.MOODLE && (name.endsWith("(Letter)") || name.endsWith("(Percentage)"))) {
            throw new Unusable("the column \"" + name + "\" shows grades as " + (name.endsWith("(Letter)") ? "letters" : "percentages")
                    + "; export the gradebook again with the grade display type Real, so the column takes points");
        }
        Optional<BigDecimal> possible = points.map(r -> csv.value(r, column).strip()).flatMap(Gradebook::number);
        return new Gradebook(file, csv, kind, column, name, possible, entries(csv, header, kind), lesson.maxXp());
    }

    private static Kind kindOf(List<String> header) throws Unusable {
        Set<String> lower = header.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        if (!header.isEmpty() && header.get(0).equalsIgnoreCase("Student") && lower.contains("id")
                && (lower.contains("sis user id") || lower.contains("sis login id"))) {
            return Kind.CANVAS;
        }
        if (lower.contains("email address") && (lower.contains("first name") || lower.contains("id number"))) {
            return Kind.MOODLE;
        }
        throw new Unusable("it is neither a Canvas export (its first line Student, ID, SIS User ID, SIS Login ID, Section, …)"
                + " nor a Moodle one (First name, Last name, ID number, …, Email address, …); its first line: "
                + String.join(", ", header.stream().limit(8).toList()) + (header.size() > 8 ? ", …" : ""));
    }

    private static int named(List<String> header, String name, List<Integer> candidates, Kind kind, boolean canvasPoints) throws Unusable {
        int at = header.indexOf(name);
        if (at < 0) {
            throw new Unusable("no column is headed \"" + name + "\"; " + listed(header, candidates));
        }
        if (!candidates.contains(at)) {
            throw new Unusable("the column \"" + name + "\" is not one to fill: " + (kind.isIdentity(name) ? "it says who a learner is"
                    : canvasPoints ? "Canvas works it out itself (read only)" : "it is a total or feedback") + "; " + listed(header, candidates));
        }
        return at;
    }

    private static int lessonColumn(List<String> header, List<Integer> candidates, Lesson lesson) throws Unusable {
        Set<String> names = new LinkedHashSet<>(List.of(lesson.title(), lesson.shortTitle(), lesson.id()));
        List<Integer> naming = candidates.stream().filter(i -> names.stream()
                .anyMatch(n -> header.get(i).toLowerCase(Locale.ROOT).contains(n.toLowerCase(Locale.ROOT)))).toList();
        String wanted = names.stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(" or "));
        if (naming.isEmpty()) {
            throw new Unusable("no column's heading holds " + wanted + "; " + listed(header, candidates));
        }
        if (naming.size() > 1) {
            throw new Unusable(naming.size() + " columns' headings hold " + wanted + ": "
                    + naming.stream().map(i -> "\"" + header.get(i) + "\"").collect(Collectors.joining(", "))
                    + "; name one with --gradebook-column");
        }
        return naming.get(0);
    }

    private static String listed(List<String> header, List<Integer> candidates) {
        return candidates.isEmpty() ? "the gradebook has no column to fill: add the lesson's assignment first, then export again"
                : "the columns it could fill: " + candidates.stream().map(i -> "\"" + header.get(i) + "\"").collect(Collectors.joining(", "))
                + "; name one with --gradebook-column";
    }

    /** Its learners: every record after the heading but Canvas's Points Possible and posting rows, blank lines and Canvas's test student. */
    private static List<Entry> entries(CsvFile csv, List<String> header, Kind kind) {
        List<Entry> entries = new ArrayList<>();
        List<CsvFile.Record> records = csv.records();
        for (int r = 1; r < records.size(); r++) {
            List<String> v = csv.values(records.get(r)).stream().map(String::strip).toList();
            if (v.stream().allMatch(String::isEmpty)) {
                continue;
            }
            List<String> ids = new ArrayList<>();
            List<String> emails = new ArrayList<>();
            String name;
            if (kind == Kind.CANVAS) {
                name = cell(v, header, "Student");
                if (name.isEmpty() || name.equalsIgnoreCase("Points Possible") || name.equalsIgnoreCase("Student, Test")
                        || name.equalsIgnoreCase("Test Student")) {
                    continue; // the muted or posting row, the points row, Canvas's own test student
                }
                for (String key : List.of("SIS User ID", "SIS Login ID", "ID", "Integration ID")) {
                    add(ids, cell(v, header, key));
                }
                String login = cell(v, header, "SIS Login ID");
                if (login.contains("@")) {
                    add(emails, login);
                }
            } else {
                name = (cell(v, header, "First name") + " " + cell(v, header, "Last name") + " " + cell(v, header, "Surname")).strip()
                        .replaceAll("\\s+", " ");
                add(ids, cell(v, header, "ID number"));
                add(ids, cell(v, header, "Username"));
                add(emails, cell(v, header, "Email address"));
            }
            entries.add(new Entry(r, name, ids, emails));
        }
        return entries;
    }

    private static String cell(List<String> values, List<String> header, String name) {
        for (int i = 0; i < header.size(); i++) {
            if (header.get(i).equalsIgnoreCase(name)) {
                return i < values.size() ? values.get(i) : "";
            }
        }
        return "";
    }

    private static void add(List<String> keys, String key) {
        if (!key.isEmpty() && !keys.contains(key)) {
            keys.add(key);
        }
    }

    private static Optional<BigDecimal> number(String text) {
        try {
            return text.isEmpty() ? Optional.empty() : Optional.of(new BigDecimal(text));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * What filling did: the copy, how many learners' cells it filled, and every learner that
     * matched nothing or more than one, on either side, as lines for the console and
     * gradebook-unmatched.txt.
     */
    public record Filled(Path copy, int filled, String scale, List<String> unmatched) {

        /** The whole account, as the console prints it and gradebook-unmatched.txt holds it. */
        public String text() {
            return String.join("\n", unmatched.isEmpty()
                    ? List.of("Every learner of the gradebook and every submission in the results matched one another.")
                    : unmatched) + "\n";
        }
    }

    /** The export must never be written over: refused when it is the very file its copy in {@code outDir} would be. */
    public void checkCopyIn(Path outDir) throws IOException, Unusable {
        Path copy = outDir.resolve(kind.copyName());
        if (copy.toAbsolutePath().normalize().equals(file.toAbsolutePath().normalize()) || Files.exists(copy) && Files.isSameFile(copy, file)) {
            throw new Unusable("it is the copy the grader writes into the results; give the gradebook as " + kind.word() + " exported it");
        }
    }

    /**
     * Writes the copy with the lesson column filled from the class's rows (results.csv's), beside
     * the results, and {@code gradebook-unmatched.txt} with what matched nothing. The export itself
     * is never written.
     *
     * @param learners the roster's learners by folder (empty without a roster)
     */
    public Filled fill(List<Row> rows, Map<String, Learner> learners, Path outDir) throws IOException, Unusable {
        checkCopyIn(outDir);
        Path copy = outDir.resolve(kind.copyName());
        Map<Entry, List<Row>> byEntry = new LinkedHashMap<>();
        entries.forEach(e -> byEntry.put(e, new ArrayList<>()));
        List<String> notInGradebook = new ArrayList<>();
        List<String> ambiguous = new ArrayList<>();
        Set<Entry> contested = new java.util.HashSet<>();
        for (Row row : rows) {
            Set<String> keys = keys(row, learners);
            List<Entry> matched = entries.stream().filter(e -> matches(e, keys)).toList();
            if (matched.size() == 1) {
                byEntry.get(matched.get(0)).add(row);
            } else if (matched.size() > 1) {
                contested.addAll(matched);
                ambiguous.add("  " + described(row, learners) + " matches " + matched.size() + " learners: "
                        + matched.stream().map(Entry::described).collect(Collectors.joining("; ")));
            } else if (!handedNothingIn(row)) {
                notInGradebook.add("  " + described(row, learners) + ": " + row.score() + "/" + max
                        + (row.graded() ? "" : " (" + row.notGraded().words() + ")"));
            }
        }
        Map<Integer, Map<Integer, String>> changes = new LinkedHashMap<>();
        List<String> notGraded = new ArrayList<>();
        List<String> nothingHandedIn = new ArrayList<>();
        List<String> graderErrors = new ArrayList<>();
        byEntry.forEach((entry, matched) -> {
            if (matched.isEmpty() && contested.contains(entry)) {
                return; // said once, with the submission that matches it and others
            }
            if (matched.isEmpty()) {
                notGraded.add("  " + entry.described() + ", line " + csv.records().get(entry.record()).line());
            } else if (matched.size() > 1) {
                ambiguous.add("  " + entry.described() + " is matched by " + matched.size() + " submissions: "
                        + matched.stream().map(r -> described(r, learners)).collect(Collectors.joining("; ")));
            } else if (handedNothingIn(matched.get(0))) {
                nothingHandedIn.add("  " + entry.described() + ", " + matched.get(0).submission() + " on the roster");
            } else if (matched.get(0).notGraded() != null && matched.get(0).notGraded().cause() == NotGraded.Cause.GRADER_ERROR) {
                graderErrors.add("  " + entry.described() + ", submission " + matched.get(0).submission() + ": " + matched.get(0).notGraded().words());
            } else {
                changes.put(entry.record(), Map.of(column, points(matched.get(0).score())));
            }
        });
        JsonReport.writeBytes(copy, csv.with(changes));
        List<String> lines = new ArrayList<>();
        section(lines, "In the gradebook, but no submission in the results matches them (their cells are left as they were):", notGraded);
        section(lines, "On the roster and in the gradebook, but they handed nothing in (left as they were):", nothingHandedIn);
        section(lines, "The grader failed on their submission, so their cells are left as they were (regrade them with --only):", graderErrors);
        section(lines, "In the results, but in no row of the gradebook (their scores are in results.csv only):", notInGradebook);
        section(lines, "Matched more than once, so left as they were (make the roster's ids or e-mails tell them apart):", ambiguous);
        Filled filled = new Filled(copy, changes.size(), scale(), lines);
        JsonReport.writeText(outDir.resolve("gradebook-unmatched.txt"), "EchoKit gradebook — \"" + columnName + "\" of " + file.getFileName()
                + " (" + kind.word() + "), filled into " + copy.getFileName() + ": " + changes.size() + " learners, " + scale() + ".\n\n"
                + filled.text());
        return filled;
    }

    /** How the scores are written: points out of the lesson's XP, or Canvas's scale when the assignment is worth another number of points. */
    public String scale() {
        return pointsPossible.filter(p -> p.compareTo(BigDecimal.valueOf(max)) != 0)
                .map(p -> "scaled to the column's " + p.stripTrailingZeros().toPlainString() + " points possible (score × "
                        + p.stripTrailingZeros().toPlainString() + " / " + max + ")")
                .orElse("points out of " + max);
    }

    /** The cell's new text: the score as results.csv has it, or scaled to Canvas's points possible, to two decimals at most. */
    String points(int score) {
        BigDecimal value = BigDecimal.valueOf(score);
        if (pointsPossible.isPresent() && pointsPossible.get().compareTo(BigDecimal.valueOf(max)) != 0) {
            value = value.multiply(pointsPossible.get()).divide(BigDecimal.valueOf(max), 2, RoundingMode.HALF_UP);
        }
        return value.stripTrailingZeros().toPlainString();
    }

    /** A roster's learner with no submission: the row results.csv shows for them, with nothing behind it. */
    private static boolean handedNothingIn(Row row) {
        return ClassResults.NO_SUBMISSION.equals(row.notGraded());
    }

    private static void section(List<String> lines, String heading, List<String> items) {
        if (!items.isEmpty()) {
            if (!lines.isEmpty()) {
                lines.add("");
            }
            lines.add(heading);
            lines.addAll(items);
        }
    }

    /** What a submission can be matched by: its roster line's id and e-mail, else its folder name as an id or login. */
    private static Set<String> keys(Row row, Map<String, Learner> learners) {
        Set<String> keys = new LinkedHashSet<>();
        Learner learner = learners.get(row.submission());
        if (learner == null) {
            keys.add(normal(row.submission()));
        } else {
            for (String key : List.of(learner.id(), learner.email())) {
                if (!key.isBlank()) {
                    keys.add(normal(key));
                }
            }
        }
        return keys;
    }

    private static boolean matches(Entry entry, Set<String> keys) {
        return entry.ids().stream().anyMatch(k -> keys.contains(normal(k))) || entry.emails().stream().anyMatch(k -> keys.contains(normal(k)));
    }

    private static String normal(String key) {
        return key.strip().toLowerCase(Locale.ROOT);
    }

    private static String described(Row row, Map<String, Learner> learners) {
        Learner l = learners.get(row.submission());
        if (l == null) {
            return row.submission();
        }
        List<String> who = new ArrayList<>();
        for (String part : List.of(l.name(), l.id(), l.email())) {
            if (!part.isBlank()) {
                who.add(part);
            }
        }
        return row.submission() + (who.isEmpty() ? "" : " (" + String.join(", ", who) + ")");
    }
}
