package dev.echokit.grader.classroom;

import dev.echokit.grader.intake.SourceText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The class's roster: a CSV of folder, id, name and email, remembered in the results folder. */
public final class Roster {

    /** The roster kept in a results folder, so that regrading a few learners keeps its columns and its rows. */
    static final String REMEMBERED = "roster.csv";

    private Roster() {
    }

    /**
     * The roster for this run: the one given, which is then remembered in {@code outDir}; else the
     * one remembered there by an earlier run; else none.
     */
    public static Optional<Path> remember(Optional<Path> given, Path outDir) throws IOException {
        Path remembered = outDir.resolve(REMEMBERED);
        if (given.isPresent()) {
            Files.createDirectories(outDir);
            if (!Files.exists(remembered) || !Files.isSameFile(given.get(), remembered)) {
                Files.copy(given.get(), remembered, StandardCopyOption.REPLACE_EXISTING);
            }
            return Optional.of(remembered);
        }
        return Files.isRegularFile(remembered) ? Optional.of(remembered) : Optional.empty();
    }

    public static Map<String, Learner> read(Path roster) throws IOException {
        Map<String, Learner> learners = new LinkedHashMap<>();
        List<String> lines = SourceText.read(roster).lines(); // a spreadsheet may save it as windows-1252, or with a BOM
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) { // the first line names the columns
            if (line.isBlank()) {
                continue;
            }
            List<String> f = csvFields(line);
            while (f.size() < 4) {
                f.add("");
            }
            learners.put(f.get(0), new Learner(f.get(0), f.get(1), f.get(2), f.get(3)));
        }
        return learners;
    }

    /** One CSV line's fields, with "quoted, fields" and "" for a quote inside them. */
    static List<String> csvFields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                field.append('"');
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                fields.add(field.toString().strip());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString().strip());
        return fields;
    }
}
