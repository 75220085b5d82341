package dev.echokit.grader.classroom;

import dev.echokit.grader.intake.Archives;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** What a class folder holds to grade: its submissions, their names, and the files that are not submissions. */
public final class Submissions {

    private Submissions() {
    }

    /**
     * The class folder's submissions, sorted: every folder and every archive (readable or not, so a
     * .rar gets its row and its reason). Hidden files and other files (a roster, notes) are not submissions.
     */
    public static List<Path> in(Path classDir) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (Stream<Path> list = Files.list(classDir)) {
            for (Path p : list.sorted().toList()) {
                String name = p.getFileName().toString();
                if (!name.startsWith(".") && (Files.isDirectory(p) || Files.isRegularFile(p) && Archives.isArchive(p))) {
                    entries.add(p);
                }
            }
        }
        return entries;
    }

    /** Files in the class folder that are not submissions: said once, so nothing is dropped in silence. */
    public static List<String> notSubmissions(Path classDir) throws IOException {
        List<Path> entries = in(classDir);
        try (Stream<Path> list = Files.list(classDir)) {
            return list.filter(p -> !entries.contains(p) && !p.getFileName().toString().startsWith("."))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A submission's name: the folder's, or the archive's without its ending ("ann.tar.gz" is ann). */
    public static String nameOf(Path entry) {
        String name = entry.getFileName().toString();
        return Files.isDirectory(entry) ? name : Archives.baseName(name);
    }

    /** Up to three names closest to a misspelt one (by edit distance, case aside), closest first. */
    public static List<String> nearest(String wanted, List<String> names) {
        String w = wanted.toLowerCase(Locale.ROOT);
        return names.stream()
                .sorted(Comparator.comparingInt((String n) -> distance(w, n.toLowerCase(Locale.ROOT))).thenComparing(n -> n))
                .filter(n -> distance(w, n.toLowerCase(Locale.ROOT)) <= Math.max(2, w.length() / 3) || n.toLowerCase(Locale.ROOT).contains(w))
                .limit(3).toList();
    }

    /** Edits from one name to another: a letter added, dropped, changed, or two swapped ("bne" is one from "ben"). */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1));
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
