package dev.echokit.grader.classroom;

import dev.echokit.grader.process.Platform;
import dev.echokit.grader.report.JsonReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One table of a whole class, written from every row: the class's counterpart of a grading's
 * {@link dev.echokit.grader.report.ReportWriter}, since it reads many gradings, not one. {@link #ALL} lists them.
 */
interface ClassTable {

    /** The class as its tables read it: the rows, the roster's learners, what the class's reports show, where the servers ran. */
    record Class(List<Row> rows, Map<String, Learner> learners, ClassInsights insights, Platform platform) {
    }

    void write(Class klass, Path outDir) throws IOException;

    /** results.csv: a row per submission, for a spreadsheet. */
    ClassTable CSV = (c, out) -> JsonReport.writeText(out.resolve("results.csv"), TableText.csv(c.rows(), c.learners()));

    /** results.md: the table and what the class's checks show, for reading. */
    ClassTable MARKDOWN = (c, out) -> JsonReport.writeText(out.resolve("results.md"), "EchoKit classroom results — "
            + c.platform().describeContainment() + ".\n\n" + TableText.markdown(c.rows(), c.learners()) + c.insights().markdown());

    /** results.html: the same with charts. */
    ClassTable HTML = (c, out) -> {
        Map<String, String> names = new LinkedHashMap<>();
        c.learners().values().forEach(l -> names.put(l.folder(), l.name()));
        JsonReport.writeText(out.resolve("results.html"), c.insights().html(c.rows(), names, TableText.capitalised(c.platform().describeContainment())));
    };

    /** Every table a class gets, in one place. */
    List<ClassTable> ALL = List.of(CSV, MARKDOWN, HTML);
}
