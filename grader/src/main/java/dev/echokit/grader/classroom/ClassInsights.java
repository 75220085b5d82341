package dev.echokit.grader.classroom;

import dev.echokit.grader.checks.ConnectionLimits;
import dev.echokit.grader.lesson.Part;
import dev.echokit.grader.lesson.Status;
import dev.echokit.grader.report.JsonReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * What a whole class got wrong, for the next lecture: how many learners passed each part, the
 * checks failed most often (and whom they hit), and the "needs" chains that held most learners
 * back. Read from the rows and from each learner's own report, so a regrade of a few learners
 * updates it like the tables.
 *
 * @param rates   per part, in lesson order: learners who passed it whole, of those graded
 * @param failed  the checks failed most often, most first (at most {@link #TOP})
 * @param waits   the parts that waited for another part, most learners first
 */
public record ClassInsights(List<PartRate> rates, List<Hit> failed, List<Hit> waits) {

    /** How many of the most failed checks the report lists. */
    static final int TOP = 10;

    private static final Pattern ALL_PASSED = Pattern.compile("(\\d+)/\\1");

    /** One part: learners who passed it whole, of the learners graded. */
    public record PartRate(Part part, int passed, int graded) {

        public int percent() {
            return graded == 0 ? 0 : Math.round(100f * passed / graded);
        }
    }

    /** A check (or a "part waits for part" chain) and the learners it hit. */
    public record Hit(Part part, String what, List<String> learners) {

        public int count() {
            return learners.size();
        }
    }

    /** Works the insights out from the class's rows and the reports in {@code outDir}. */
    static ClassInsights of(Path outDir, List<Row> rows) throws IOException {
        List<Row> graded = rows.stream().filter(Row::graded).toList();
        List<PartRate> rates = new ArrayList<>();
        for (Part part : Row.PARTS) {
            int passed = (int) graded.stream().filter(r -> passedWhole(part, r.cell(part))).count();
            rates.add(new PartRate(part, passed, graded.size()));
        }
        Map<String, Hit> failed = new LinkedHashMap<>();
        Map<String, Hit> waits = new LinkedHashMap<>();
        for (Row row : graded) {
            Path report = outDir.resolve(row.submission()).resolve("grader-report.json");
            if (!Files.exists(report)) {
                continue;
            }
            JsonNode checks = JsonReport.mapper().readTree(report.toFile()).path("checks");
            TreeSet<String> seenWaits = new TreeSet<>();
            for (JsonNode check : checks) {
                Part part = ConnectionLimits.LESSON.part(check.path("task").asString()).orElse(null);
                if (part == null || part.kind() == Part.Kind.STRETCH) {
                    continue;
                }
                String status = check.path("status").asString();
                if (status.equals(Status.FAILED.word())) {
                    String name = check.path("name").asString();
                    failed.computeIfAbsent(part.tag() + "\n" + name, k -> new Hit(part, name, new ArrayList<>())).learners().add(row.submission());
                } else if (status.equals(Status.NEEDS_TASK.word())) {
                    Part needs = ConnectionLimits.LESSON.part(check.path("needsTask").asString()).orElse(null);
                    String chain = part.shortName() + " waits for " + (needs == null ? "another part" : needs.shortName());
                    if (seenWaits.add(chain)) {
                        waits.computeIfAbsent(chain, k -> new Hit(part, chain, new ArrayList<>())).learners().add(row.submission());
                    }
                }
            }
        }
        Comparator<Hit> mostFirst = Comparator.comparingInt(Hit::count).reversed().thenComparing(Hit::part).thenComparing(Hit::what);
        return new ClassInsights(rates, failed.values().stream().sorted(mostFirst).limit(TOP).toList(),
                waits.values().stream().sorted(mostFirst).toList());
    }

    /** A task passed whole earned all its XP; echo and the architecture rules passed every check. */
    static boolean passedWhole(Part part, String cell) {
        return part.xp() > 0 ? cell.equals(Integer.toString(part.xp())) : ALL_PASSED.matcher(cell).matches();
    }

    /** The insights as a Markdown section for results.md. */
    String markdown() {
        StringBuilder md = new StringBuilder("\n## What the class got wrong\n\n| part | passed whole |\n| --- | --- |\n");
        rates.forEach(r -> md.append("| ").append(r.part().heading()).append(" | ").append(r.passed()).append(" of ").append(r.graded())
                .append(" (").append(r.percent()).append(" %) |\n"));
        md.append("\nChecks failed most often:\n\n");
        if (failed.isEmpty()) {
            md.append("- none: every check that ran passed\n");
        }
        failed.forEach(h -> md.append("- ").append(h.count()).append(" × ").append(h.part().shortName()).append(": ")
                .append(cell(h.what())).append(" — ").append(String.join(", ", h.learners())).append('\n'));
        if (!waits.isEmpty()) {
            md.append("\nWhat held learners back (a part that could not be judged until another worked):\n\n");
            waits.forEach(h -> md.append("- ").append(h.count()).append(" × ").append(h.what()).append(" — ")
                    .append(String.join(", ", h.learners())).append('\n'));
        }
        return md.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    /** results.html: one page, nothing fetched, a chart of the pass rates, the insights and a sortable table of the rows. */
    String html(List<Row> rows, Map<String, String> names, String containment) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n")
                .append("<title>EchoKit — class results</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:2rem;color:#222}h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}")
                .append("table{border-collapse:collapse;font-size:.9rem}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}")
                .append("th{background:#f3f3f3;cursor:pointer}td.num{text-align:right}.why{display:block;text-align:left;color:#8a1c1c;font-size:.8rem}.muted{color:#666}svg text{font-size:12px}\n")
                .append("</style>\n</head>\n<body>\n<h1>EchoKit — class results</h1>\n<p class=\"muted\">")
                .append(esc(containment)).append(".</p>\n<h2>Who passed each part</h2>\n");
        int barHeight = 22;
        int width = 720;
        int labelWidth = 280;
        h.append("<svg id=\"rates\" role=\"img\" aria-label=\"learners who passed each part\" width=\"").append(width)
                .append("\" height=\"").append(rates.size() * (barHeight + 8) + 10).append("\" xmlns=\"http://www.w3.org/2000/svg\">\n");
        for (int i = 0; i < rates.size(); i++) {
            PartRate r = rates.get(i);
            int y = 5 + i * (barHeight + 8);
            int bar = Math.round((width - labelWidth - 90) * r.percent() / 100f);
            h.append("<text x=\"0\" y=\"").append(y + 15).append("\">").append(esc(r.part().heading())).append("</text>")
                    .append("<rect class=\"bar\" data-part=\"").append(r.part().tag()).append("\" data-passed=\"").append(r.passed())
                    .append("\" data-graded=\"").append(r.graded()).append("\" x=\"").append(labelWidth).append("\" y=\"").append(y)
                    .append("\" width=\"").append(bar).append("\" height=\"").append(barHeight).append("\" fill=\"#3b7dd8\"/>")
                    .append("<text x=\"").append(labelWidth + bar + 6).append("\" y=\"").append(y + 15).append("\">")
                    .append(r.passed()).append(" of ").append(r.graded()).append(" (").append(r.percent()).append(" %)</text>\n");
        }
        h.append("</svg>\n<h2>Checks failed most often</h2>\n<ol id=\"failed\">\n");
        failed.forEach(f -> h.append("<li><b>").append(f.count()).append("</b> × ").append(esc(f.part().shortName())).append(": ")
                .append(esc(f.what())).append(" <span class=\"muted\">— ").append(esc(String.join(", ", f.learners()))).append("</span></li>\n"));
        h.append("</ol>\n");
        if (!waits.isEmpty()) {
            h.append("<h2>What held learners back</h2>\n<ul id=\"waits\">\n");
            waits.forEach(w -> h.append("<li><b>").append(w.count()).append("</b> × ").append(esc(w.what()))
                    .append(" <span class=\"muted\">— ").append(esc(String.join(", ", w.learners()))).append("</span></li>\n"));
            h.append("</ul>\n");
        }
        h.append("<h2>Every submission</h2>\n<p class=\"muted\">Click a column's heading to sort by it.</p>\n<table id=\"rows\">\n<thead><tr>")
                .append("<th data-type=\"text\">submission</th><th data-type=\"num\">score</th>");
        Row.PARTS.forEach(p -> h.append("<th data-type=\"num\">").append(esc(p.shortName())).append("</th>"));
        h.append("<th data-type=\"text\">notes</th></tr></thead>\n<tbody>\n");
        for (Row row : rows) {
            String name = names.getOrDefault(row.submission(), "");
            h.append("<tr><td><a href=\"").append(esc(url(row.submission()))).append("/feedback.md\">").append(esc(row.submission()))
                    .append("</a>").append(name.isEmpty() ? "" : " <span class=\"muted\">" + esc(name) + "</span>").append("</td>")
                    .append("<td class=\"num\" data-value=\"").append(row.score()).append("\">").append(row.score()).append("/").append(ConnectionLimits.LESSON.maxXp())
                    .append("</td>");
            for (Part part : Row.PARTS) {
                String cell = row.cell(part);
                String reason = row.reasons().getOrDefault(part.tag(), "");
                h.append("<td class=\"num\" data-value=\"").append(leadingNumber(cell)).append("\">").append(esc(cell))
                        .append(reason.isEmpty() ? "" : " ✗ <span class=\"why\">" + esc(reason) + "</span>").append("</td>");
            }
            h.append("<td>").append(esc(TableText.notes(row, rows))).append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n<script>\n").append(SORT).append("</script>\n</body>\n</html>\n");
        return h.toString();
    }

    /** Sorts the table by a clicked heading (again: the other way); #sort=score on the address sorts at once. */
    private static final String SORT = """
            (function () {
              var table = document.getElementById('rows');
              var heads = table.tHead.rows[0].cells;
              function key(row, i, num) {
                var cell = row.cells[i];
                return num ? parseFloat(cell.getAttribute('data-value')) || 0 : cell.textContent.toLowerCase();
              }
              function sortBy(i, descending) {
                var num = heads[i].getAttribute('data-type') === 'num';
                var body = table.tBodies[0];
                var rows = Array.prototype.slice.call(body.rows);
                rows.sort(function (a, b) {
                  var x = key(a, i, num), y = key(b, i, num);
                  var order = x < y ? -1 : x > y ? 1 : 0;
                  return descending ? -order : order;
                });
                rows.forEach(function (r) { body.appendChild(r); });
                table.setAttribute('data-sorted', heads[i].textContent + (descending ? ' desc' : ' asc'));
              }
              Array.prototype.forEach.call(heads, function (th, i) {
                th.addEventListener('click', function () {
                  var again = table.getAttribute('data-sorted') === th.textContent + ' desc';
                  sortBy(i, !again);
                });
              });
              var wanted = /sort=([^&]+)/.exec(location.hash);
              if (wanted) {
                Array.prototype.forEach.call(heads, function (th, i) {
                  if (th.textContent === decodeURIComponent(wanted[1])) { sortBy(i, true); }
                });
              }
            })();
            """;

    private static String leadingNumber(String cell) {
        java.util.regex.Matcher m = Pattern.compile("^-?\\d+").matcher(cell);
        return m.find() ? m.group() : "-1";
    }

    private static String url(String name) {
        return java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Everything a learner's row holds is text, never markup: server output can reach a reason. */
    static String esc(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d parts, %d checks failed, %d waits", rates.size(), failed.size(), waits.size());
    }
}
