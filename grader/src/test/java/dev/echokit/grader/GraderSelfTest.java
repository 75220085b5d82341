package dev.echokit.grader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.classroom.Classroom;
import dev.echokit.grader.classroom.Graded;
import dev.echokit.grader.lesson.Part;
import dev.echokit.grader.lesson.Status;
import dev.echokit.grader.process.Platform;
import dev.echokit.grader.report.CheckResult;
import dev.echokit.grader.report.Console;
import dev.echokit.grader.report.Verdict;
import dev.echokit.grader.run.Grader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The grader proves itself: the untouched starter fails task 1 and every other task needs it,
 * every broken server in the catalogue fails exactly its own part, verdicts repeat, and every
 * failure points at a real line of the graded source. (That the solution passes everything is
 * the kit build's own grading run, and the catalogue's reference row.)
 */
@Tag("selftest")
@DisplayName("The grader's self-test")
@ExtendWith(SelfTestCondition.class)
class GraderSelfTest {

    private static final Path KIT = SelfTestPaths.KIT;
    private static final Path WORK = SelfTestPaths.WORK;
    private static final Path GOLDEN = Path.of("src/test/resources/golden/starter-summary.txt");
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    private static final Pattern PLACE = Pattern.compile("^(\\S+\\.java):(\\d+)  ");

    @Test
    @DisplayName("the untouched starter fails task 1, every other task reads \"needs task 1\", and failures point at its code")
    void starterFailsTaskOneOnly() throws IOException {
        Verdict verdict = Grader.grade(Grader.Request.of(KIT.resolve("lesson-starter").toString(), KIT, WORK.resolve("selftest/starter")));

        assertThat(partsWith(verdict, Status.FAILED)).containsExactly(Parts.TASK_1);
        assertThat(partsWith(verdict, Status.NEEDS_TASK)).containsExactly(Parts.TASK_2, Parts.TASK_3, Parts.TASK_4, Parts.TASK_5);
        assertThat(verdict.with(Status.NEEDS_TASK)).allMatch(c -> c.needs() == Parts.TASK_1);
        assertThat(verdict.in(Parts.ECHO)).allMatch(c -> c.is(Status.PASSED));
        assertThat(verdict.in(Parts.ARCHITECTURE)).allMatch(c -> c.is(Status.PASSED));
        assertThat(verdict.score()).isZero();
        assertPlacesExist(verdict, KIT);
        assertThat(verdict.with(Status.FAILED)).allSatisfy(c -> assertThat(c.feedback().whereToLook())
                .anyMatch(place -> place.contains("TODO(task 1)")));

        String rendered = normalise(Console.render(verdict, Optional.empty(), Optional.empty()));
        if (Boolean.getBoolean("grader.updateGolden")) {
            Files.createDirectories(GOLDEN.getParent());
            Files.writeString(GOLDEN, rendered);
        }
        assertThat(rendered)
                .as("the starter's feedback changed; if that is intended, rerun with -Dgrader.updateGolden=true and commit %s", GOLDEN)
                .isEqualTo(Files.readString(GOLDEN));

        // A learner on macOS or Windows reads the same: no task check needs more than the JDK.
        Verdict portable = Grader.grade(Grader.Request.of(KIT.resolve("lesson-starter").toString(), KIT, WORK.resolve("selftest/starter-portable"))
                .on(Platform.portable()));
        assertThat(normalise(Console.render(portable, Optional.empty(), Optional.empty()))).isEqualTo(rendered);
    }

    @Test
    @DisplayName("without /proc, bash or ulimit (as on macOS or Windows) the solution scores 50/50, only the Linux measurements n/a, from a path with spaces")
    void solutionPassesOnAPortablePlatform() throws Exception {
        Path copy = WORK.resolve("selftest/a copy of the kit/lesson-solution");
        Catalogue.deleteRecursively(copy);
        Catalogue.copyTree(KIT.resolve("lesson-solution/src"), copy.resolve("src"));
        Verdict verdict = Grader.grade(Grader.Request.of(copy.toString(), KIT, WORK.resolve("selftest/portable"))
                .withStretch(true).on(Platform.portable()));
        assertThat(verdict.with(Status.FAILED)).isEmpty();
        assertThat(verdict.with(Status.NEEDS_TASK)).isEmpty();
        assertThat(verdict.score()).isEqualTo(50);
        assertThat(verdict.with(Status.NOT_APPLICABLE)).extracting(CheckResult::name).containsExactlyInAnyOrder(
                "2,000 refusals in a row: every one gets the line and no file descriptor leaks",
                "out of file descriptors, the server neither dies nor spins, and recovers");
        assertThat(verdict.with(Status.NOT_APPLICABLE)).allSatisfy(c -> assertThat(c.message())
                .startsWith("not applicable: ").contains("not measured on a portable platform"));
        assertThat(Console.summary(verdict, Optional.empty(), Optional.empty())).contains("n/a: 2 checks — ");
        assertThat(verdict.target()).contains("a copy of the kit");

        // A program that prints nothing is found listening by a connection, since there is no /proc to read.
        Path classes = Files.walk(WORK.resolve("selftest/portable/graded"), 3).filter(p -> p.endsWith("classes")).findFirst().orElseThrow();
        String command = Path.of(System.getProperty("java.home"), "bin", "java") + " -cp '" + classes + "'" + java.io.File.pathSeparator
                + picocli.CommandLine.class.getProtectionDomain().getCodeSource().getLocation().getPath() + " dev.echokit.server.EchoCommand";
        Verdict silent = Grader.grade(Grader.Request.of("", KIT, WORK.resolve("selftest/portable-silent")).command(command + " 2>/dev/null")
                .only(List.of("EchoChecks", "Task3Checks")).on(Platform.portable()));
        assertThat(silent.with(Status.FAILED)).isEmpty();
        assertThat(silent.with(Status.PASSED)).hasSizeGreaterThan(5);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES) // some 40 servers, each check inside bounded on its own
    @DisplayName("every broken server in the catalogue fails exactly its own part (graded as on a portable platform), with feedback that points at its code")
    void catalogueFailsExactlyItsOwnPart() throws Exception {
        Path submissions = materialiseCatalogue("catalogue/submissions");
        long before = ProcessHandle.current().descendants().count();

        // As a learner grades on a Linux laptop: where /proc shows a client left waiting, checks end on that evidence
        // (the saturated pass below grades as on macOS or Windows, where they wait for their deadlines).
        List<Graded> rows = Classroom.gradeAll(submissions, KIT, WORK.resolve("catalogue/classroom"), 2, QUIET,
                Platform.detect().containing(dev.echokit.grader.process.Containment.NONE).sharingNetwork()); // verdicts read in memory

        Classroom.writeTables(WORK.resolve("catalogue/classroom"), Optional.empty());
        Map<String, Graded> byName = rows.stream().collect(Collectors.toMap(g -> g.row().submission(), g -> g));
        Verdict reference = byName.get("reference-solution").verdict();
        assertThat(reference.score()).as("the reference solution's score").isEqualTo(50);
        assertThat(reference.passed()).as("the reference solution passes every check: " + reference.with(Status.FAILED)).isTrue();

        List<String> wrong = new ArrayList<>();
        if (ScoreAgreement.nodeAvailable()) {
            ScoreAgreement.check("reference-solution", reference, WORK.resolve("catalogue/runners/reference-solution"), wrong);
        }
        for (Catalogue.Broken broken : Catalogue.ALL) {
            wrong.addAll(judge(broken, byName.get(broken.name()).verdict(), submissions, "catalogue/stretch/"));
            assertPlacesExist(byName.get(broken.name()).verdict(), submissions.resolve(broken.name()));
            if (ScoreAgreement.nodeAvailable()) { // one score everywhere: Gradescope's tests, Classroom's reporter, the grader
                ScoreAgreement.check(broken.name(), byName.get(broken.name()).verdict(), WORK.resolve("catalogue/runners/" + broken.name()), wrong);
            }
        }
        assertThat(wrong).as("verdicts that are not exactly the catalogue's: fix the grader, not the catalogue").isEmpty();

        Verdict notCompiling = byName.get("does-not-compile").verdict();
        assertThat(notCompiling.with(Status.FAILED)).hasSize(1);
        assertThat(notCompiling.with(Status.FAILED).get(0).message()).contains("does not compile").contains("EchoServer.java:");

        // A check's verdict is its own, never another check's diagnosis. This server starts and names
        // its limit like the solution and hangs only once a client is in, so the task 1 check that
        // reads nothing but the listening line passes, whichever check found the hang first (it once
        // ended "needs echo" when the echo diagnosis happened to come before it).
        assertThat(byName.get("hangs-after-accept").verdict().checks())
                .filteredOn(c -> c.name().startsWith("--max-clients 3 is accepted"))
                .singleElement().matches(c -> c.is(Status.PASSED), "passed");

        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count())
                .as("processes left behind by the self-test").isLessThanOrEqualTo(before);
        // An orphan is no longer our descendant: look for any process running catalogue code at all.
        String catalogue = WORK.resolve("catalogue").toString();
        assertThat(ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(catalogue)).orElse(false))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("")).toList())
                .as("processes still running catalogue servers").isEmpty();
        Files.writeString(WORK.resolve("catalogue/classroom/README.txt"),
                "Sample classroom table: the grader's catalogue of broken servers, graded as a class.\n");
    }

    /**
     * The same verdicts with every core busy: busy threads, one more than there are cores, spin for
     * the whole grading and are stopped in the end. The whole catalogue and the solution, graded as
     * a class two at a time, exactly as the quiet run above: a verdict that changes with the load
     * (counts-refused and unbounded-buffer once did) is a false verdict on a learner's busy laptop.
     */
    @Test
    @Timeout(value = 40, unit = TimeUnit.MINUTES)
    @DisplayName("on saturated cores, every broken server in the catalogue and the solution get exactly the catalogue's verdicts")
    void sameVerdictsOnSaturatedCores() throws Exception {
        Path submissions = materialiseCatalogue("loaded/submissions");
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        List<Thread> burners = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        try {
            for (int i = 0; i <= Runtime.getRuntime().availableProcessors(); i++) {
                Thread burner = new Thread(() -> {
                    long spin = 0;
                    while (!stop.get()) {
                        spin++;
                    }
                    if (spin == 42) {
                        System.out.print(""); // keeps the loop from being optimised away
                    }
                }, "selftest-load-" + i);
                burner.setDaemon(true);
                burner.start();
                burners.add(burner);
            }
            // As on macOS or Windows: every task-level mistake must be caught with the JDK alone, on deadlines that stretch.
            List<Graded> rows = Classroom.gradeAll(submissions, KIT, WORK.resolve("loaded/classroom"), 2, QUIET, Platform.portable());
            Map<String, Graded> byName = rows.stream().collect(Collectors.toMap(g -> g.row().submission(), g -> g));
            Verdict reference = byName.get("reference-solution").verdict();
            if (reference.score() != 50 || !reference.passed()) {
                wrong.add("the reference solution under load: " + reference.score() + "/50, failures " + reference.with(Status.FAILED)
                        + ", waiting " + reference.with(Status.NEEDS_TASK));
            }
            for (Catalogue.Broken broken : Catalogue.ALL) {
                wrong.addAll(judge(broken, byName.get(broken.name()).verdict(), submissions, "loaded/stretch/"));
            }
        } finally {
            stop.set(true);
            for (Thread burner : burners) {
                burner.join(5000);
            }
        }
        assertThat(burners).noneMatch(Thread::isAlive);
        assertThat(wrong).as("verdicts on saturated cores that are not exactly the catalogue's").isEmpty();
    }

    /**
     * The solution without task 1's work. Its removal cannot be built from the starter's lines (every
     * other task's code reads the limit it brings), so the option is renamed away instead: picocli
     * no longer knows --max-clients, and the server runs with the default the option would give.
     */
    private static final Catalogue.Broken WITHOUT_TASK_1 = new Catalogue.Broken("without-task-1", "has no --max-clients option",
            Catalogue.COMMAND, "@Option(names = \"--max-clients\", defaultValue", "@Option(names = \"--later-max-clients\", defaultValue",
            Set.of(Parts.TASK_1), Set.of(Parts.TASK_2, Parts.TASK_3, Parts.TASK_4, Parts.TASK_5), null, null);

    /**
     * What the other tasks need before a task's work can be seen at all: the option (task 1), and
     * for the refusal, its log line and the freed slot, a limit that refuses someone (task 2).
     */
    private static Set<Integer> seenWith(int task) {
        return task == 1 ? Set.of(1) : task == 2 ? Set.of(1, 2) : Set.of(1, 2, task);
    }

    /**
     * The dependency graph the grader uses is the true one, proven from both sides with servers built
     * from the real starter and solution (TaskWork): (a) the solution without one task's work fails
     * that task alone, every other task passing or, where that task's work leaves nothing to see,
     * waiting for it; (b) the starter with one task's work added (on top of what it cannot be seen
     * without) passes that task, or waits only for a task whose work is still missing.
     */
    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    @DisplayName("one task's work removed from the solution fails that task alone; one task's work added to the starter passes it")
    void dependencyGraphHoldsBothWays() throws Exception {
        Path starter = KIT.resolve("lesson-starter/src/main/java");
        Path solution = KIT.resolve("lesson-solution/src/main/java");
        TaskWork work = TaskWork.read(starter, solution);
        assertThat(work.tasks()).containsExactly(1, 2, 3, 4, 5);
        Path submissions = WORK.resolve("graph/submissions");
        Catalogue.deleteRecursively(submissions);

        // The pieces put back together are the real files: every task's work is the solution, none is the starter.
        Path whole = work.write(Set.of(1, 2, 3, 4, 5), WORK.resolve("graph/whole"));
        Path none = work.write(Set.of(), WORK.resolve("graph/none"));
        for (String file : List.of(Catalogue.SERVER, Catalogue.CONNECTION, Catalogue.COMMAND)) {
            assertThat(whole.resolve("src/main/java/" + file)).hasSameTextualContentAs(solution.resolve(file));
            assertThat(withoutImports(none.resolve("src/main/java/" + file))).isEqualTo(withoutImports(starter.resolve(file)));
        }

        Map<Integer, Set<Part>> removedNeeds = Map.of(
                1, Set.of(Parts.TASK_2, Parts.TASK_3, Parts.TASK_4, Parts.TASK_5), // the option is unknown: nothing can be asked
                2, Set.of(Parts.TASK_3, Parts.TASK_4, Parts.TASK_5), // nothing is ever refused
                3, Set.of(),
                4, Set.of(),
                5, Set.of(Parts.TASK_3)); // whether refusals are counted shows only when a slot comes free
        Catalogue.materialise(WITHOUT_TASK_1, solution, submissions.resolve("without-task-1"));
        for (int task = 2; task <= 5; task++) {
            Set<Integer> done = new java.util.TreeSet<>(Set.of(1, 2, 3, 4, 5));
            done.remove(task);
            work.write(done, submissions.resolve("without-task-" + task));
        }
        for (int task = 1; task <= 5; task++) {
            work.write(seenWith(task), submissions.resolve("with-task-" + task));
        }
        // Two mistakes at once: task 2's spare slot (>) must not hide task 5's missing count-down, which
        // it fills exactly once (a learner's trial earned 4 of task 5's 6 checks this way).
        Path both = work.write(Set.of(1, 2, 3, 4), submissions.resolve("off-by-one-without-task-5")).resolve("src/main/java/" + Catalogue.SERVER);
        String server = Files.readString(both);
        assertThat(server).contains("clients >= maxClients");
        Files.writeString(both, server.replace("clients >= maxClients", "clients > maxClients"));
        // And task 2's > beside a refusal that frees a slot: the other tasks take a client let into a slot a refusal gave
        // back as admitted, but never the first client past the limit, so the > is still task 2's failure.
        Path freeing = work.write(Set.of(1, 2, 3, 4, 5), submissions.resolve("off-by-one-counts-down-refused")).resolve("src/main/java/" + Catalogue.SERVER);
        String refusing = Files.readString(freeing);
        String close = "        } finally {\n            closeQuietly(channel);\n        }\n    }\n\n    private void drainBriefly";
        assertThat(refusing).contains("clients >= maxClients").contains(close);
        Files.writeString(freeing, refusing.replace("clients >= maxClients", "clients > maxClients")
                .replace(close, close.replace("closeQuietly(channel);\n", "closeQuietly(channel);\n            clients--;\n")));
        List<Graded> rows = Classroom.gradeAll(submissions, KIT, WORK.resolve("graph/classroom"), 2, QUIET, Platform.portable());
        Classroom.writeTables(WORK.resolve("graph/classroom"), Optional.empty());
        Map<String, Verdict> byName = rows.stream().collect(Collectors.toMap(g -> g.row().submission(), Graded::verdict));

        List<String> wrong = new ArrayList<>();
        for (int task = 1; task <= 5; task++) {
            Part removed = Parts.LESSON.part("task:" + task).orElseThrow();
            Verdict without = byName.get("without-task-" + task);
            Set<Part> failed = partsWith(without, Status.FAILED);
            Set<Part> needs = partsWith(without, Status.NEEDS_TASK);
            if (!failed.equals(Set.of(removed)) || !needs.equals(removedNeeds.get(task))
                    || without.with(Status.NEEDS_TASK).stream().anyMatch(c -> c.needs() != removed)) {
                wrong.add("without task " + task + ": expected to fail " + removed + " alone and need it in " + removedNeeds.get(task)
                        + ", but failed " + failed + " and needed " + without.with(Status.NEEDS_TASK).stream()
                        .map(c -> c.part().shortName() + " needs " + c.needs().shortName() + ": " + c.name()).toList());
            }
            Verdict with = byName.get("with-task-" + task);
            Set<Integer> done = seenWith(task);
            String name = "with task " + task + " (the starter with tasks " + new java.util.TreeSet<>(done) + ")";
            for (int other : done) {
                Part added = Parts.LESSON.part("task:" + other).orElseThrow();
                with.in(added).stream().filter(c -> c.is(Status.FAILED)
                                || c.is(Status.NEEDS_TASK) && done.contains(c.needs().task()))
                        .forEach(c -> wrong.add(name + ": " + added.shortName()
                                + " did not pass \"" + c.name() + "\": " + c.statusText() + " " + c.message().lines().findFirst().orElse("")));
            }
            if (with.in(removed).stream().noneMatch(c -> c.is(Status.PASSED))) {
                wrong.add("with task " + task + ": no check of " + removed.shortName() + " passed");
            }
        }
        // One mistake, one price: with task 2's mistake added, every other part gets the same verdict, check by check.
        Verdict alone = byName.get("without-task-5");
        Verdict plus = byName.get("off-by-one-without-task-5");
        if (!partsWith(plus, Status.FAILED).equals(Set.of(Parts.TASK_2, Parts.TASK_5))) {
            wrong.add("off-by-one without task 5: expected to fail task 2 and task 5, but failed " + partsWith(plus, Status.FAILED));
        }
        for (Part part : Parts.LESSON.parts()) {
            if (part.equals(Parts.TASK_2)) {
                continue;
            }
            List<String> was = alone.in(part).stream().map(c -> c.name() + " = " + c.statusText()).sorted().toList();
            List<String> is = plus.in(part).stream().map(c -> c.name() + " = " + c.statusText()).sorted().toList();
            if (!was.equals(is)) {
                wrong.add("task 2's off-by-one changed " + part.shortName() + " without task 5: " + was + " became " + is);
            }
        }
        Verdict twoMistakes = byName.get("off-by-one-counts-down-refused");
        if (!partsWith(twoMistakes, Status.FAILED).equals(Set.of(Parts.TASK_2, Parts.TASK_5)) || !partsWith(twoMistakes, Status.NEEDS_TASK).isEmpty()) {
            wrong.add("off-by-one with a refusal that frees a slot: expected to fail task 2 and task 5 alone, but failed "
                    + partsWith(twoMistakes, Status.FAILED) + " and waited in " + partsWith(twoMistakes, Status.NEEDS_TASK));
        }
        assertThat(wrong).as("false edges in the grader's dependency graph").isEmpty();
    }

    private static List<String> withoutImports(Path file) throws IOException {
        return Files.readAllLines(file).stream().filter(l -> !l.startsWith("import ")).toList();
    }

    @Test
    @DisplayName("the same broken server gets the same verdict, check by check, run after run")
    void verdictsRepeat() throws Exception {
        List<String> names = List.of("counts-refused", "never-frees");
        Path submissions = WORK.resolve("repeat/submissions");
        Catalogue.deleteRecursively(submissions);
        Path solution = KIT.resolve("lesson-solution/src/main/java");
        for (Catalogue.Broken broken : Catalogue.ALL) {
            if (names.contains(broken.name())) {
                for (int copy = 1; copy <= 2; copy++) {
                    Catalogue.materialise(broken, solution, submissions.resolve(broken.name() + "-" + copy));
                }
            }
        }
        List<Graded> rows = Classroom.gradeAll(submissions, KIT, WORK.resolve("repeat/classroom"), 2, QUIET,
                Platform.detect().sharingNetwork()); // verdicts read in memory
        for (String name : names) {
            List<String> verdicts = rows.stream().filter(r -> r.row().submission().startsWith(name + "-"))
                    .map(r -> r.verdict().checks().stream().map(c -> c.name() + " = " + c.statusText()).toList().toString())
                    .distinct().toList();
            assertThat(verdicts).as(name + ": verdicts of two runs").hasSize(1);
        }
    }

    @Test
    @DisplayName("a server started by a command is graded too: ready by its log line, or by its listening socket when it prints nothing")
    void commandTargetsAreGraded() throws Exception {
        // The solution, compiled, started as any other program would be: through a shell command.
        Verdict compiled = Grader.grade(Grader.Request.of(KIT.resolve("lesson-solution").toString(), KIT, WORK.resolve("selftest/compile"))
                .only(List.of("ArchitectureChecks")));
        assertThat(compiled.with(Status.FAILED)).isEmpty();
        Path classes = Files.walk(WORK.resolve("selftest/compile/graded"), 3).filter(p -> p.endsWith("classes")).findFirst().orElseThrow();
        String classpath = classes + java.io.File.pathSeparator
                + picocli.CommandLine.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = java + " -cp " + classpath + " dev.echokit.server.EchoCommand";

        Verdict talking = Grader.grade(Grader.Request.of("", KIT, WORK.resolve("selftest/command")).command(command));
        assertThat(talking.with(Status.FAILED)).as("the solution started by a command").isEmpty();
        assertThat(talking.score()).isEqualTo(50);
        assertThat(talking.in(Parts.ARCHITECTURE)).filteredOn(c -> c.name().contains("no threads"))
                .isNotEmpty().allMatch(c -> c.is(Status.NOT_APPLICABLE));
        assertThat(talking.with(Status.FAILED).stream().flatMap(c -> c.feedback().whereToLook().stream())).isEmpty();

        // The same server with its log thrown away: the grader must find it listening without a
        // probe connection, and only the checks that read the log may fail.
        Verdict silent = Grader.grade(Grader.Request.of("", KIT, WORK.resolve("selftest/silent")).command(command + " 2>/dev/null")
                .only(List.of("EchoChecks", "Task1Checks#acceptsTheOption", "Task2Checks", "Task4Checks")));
        assertThat(silent.with(Status.FAILED)).extracting(CheckResult::name)
                .containsExactlyInAnyOrder("--max-clients 3 is accepted and the listening line names the limit",
                        "each \"accepted connection\" line ends with (N/MAX): the clients connected, counting the new one",
                        "each refusal logs one line \"rejected connection: at capacity (N/MAX)\" with N = MAX");
        assertThat(silent.with(Status.FAILED)).allSatisfy(c -> assertThat(c.feedback().whereToLook())
                .containsExactly("no source to point at: this target is a command, not Java sources"));
        // Printing nothing at all is told as that (or a buffer that holds the lines), not as one line forgotten in each task.
        assertThat(silent.with(Status.FAILED)).allSatisfy(c -> assertThat(c.feedback().hint())
                .startsWith("the server printed no line at all during this check"));
        assertThat(silent.in(Parts.ECHO)).allMatch(c -> c.is(Status.PASSED));

        // Only its listening lines kept: a hint in the lesson's own Java names what it is to a command, which may be in any language.
        Verdict listeningOnly = Grader.grade(Grader.Request.of("", KIT, WORK.resolve("selftest/listening-only"))
                .command("sh -c '" + command + " \"$@\" 2>&1 | grep --line-buffered \"listening on\"' server").only(List.of("Task4Checks")));
        assertThat(listeningOnly.with(Status.FAILED)).singleElement()
                .satisfies(c -> assertThat(c.feedback().hint()).startsWith("in the lesson's Java (the same holds in yours): call Log.info("));
    }

    /** Where a broken server's verdict differs from the catalogue's: its parts, its hint, its XP, its stretch check. */
    private static List<String> judge(Catalogue.Broken broken, Verdict verdict, Path submissions, String stretchDir) throws IOException {
        List<String> wrong = new ArrayList<>();
        Set<Part> failed = partsWith(verdict, Status.FAILED);
        Set<Part> needs = partsWith(verdict, Status.NEEDS_TASK);
        if (!failed.equals(broken.fails()) || !needs.equals(broken.needs())) {
            wrong.add(broken.name() + " (" + broken.what() + "): expected to fail " + broken.fails() + " and need in "
                    + broken.needs() + ", but failed " + failed + " and needed in " + needs + "; failures: "
                    + verdict.with(Status.FAILED).stream().map(c -> c.part().shortName() + ": " + c.name()).toList());
        }
        if (broken.hint() != null && verdict.with(Status.FAILED).stream()
                .noneMatch(c -> c.feedback() != null && c.feedback().hint().contains(broken.hint()))) {
            wrong.add(broken.name() + ": no failure hints at its cause (\"" + broken.hint() + "\"); hints: "
                    + verdict.with(Status.FAILED).stream().map(c -> c.feedback() == null ? c.message() : c.feedback().hint()).toList());
        }
        // One mistake, one task: where nothing else waits, every other task earns all its XP.
        if (broken.needs().isEmpty() && !broken.fails().contains(Parts.ECHO)) {
            verdict.parts().stream().filter(p -> p.part().isTask() && !broken.fails().contains(p.part()) && p.xp() != p.xpMax())
                    .forEach(p -> wrong.add(broken.name() + ": costs " + p.part().shortName() + " XP too (" + p.xp() + "/" + p.xpMax() + ")"));
        }
        if (failed.contains(Parts.ARCHITECTURE) && verdict.score() >= verdict.maxScore()) {
            wrong.add(broken.name() + ": breaks an architecture rule, yet totals " + verdict.score() + "/" + verdict.maxScore());
        }
        verdict.with(Status.FAILED).stream().filter(c -> c.feedback() != null).forEach(c -> wrong.addAll(statedWaits(broken.name(), c)));
        verdict.with(Status.FAILED).stream()
                .filter(c -> c.feedback() == null && c.setup() != CheckResult.Setup.DOES_NOT_BUILD)
                .forEach(c -> wrong.add(broken.name() + ": a failure without the grader's feedback: " + c.message()));
        if (broken.stretchCheck() != null) {
            Verdict stretch = Grader.grade(Grader.Request.of(submissions.resolve(broken.name()).toString(), KIT,
                    WORK.resolve(stretchDir + broken.name())).only(List.of("StretchChecks#" + broken.stretchCheck())));
            if (stretch.with(Status.FAILED).isEmpty()) {
                wrong.add(broken.name() + " was not caught by the stretch check " + broken.stretchCheck());
            }
            // Where to look follows the check's own cause, so it names the file the mistake is in.
            String file = Path.of(broken.file()).getFileName().toString();
            stretch.with(Status.FAILED).stream().filter(c -> c.feedback() != null)
                    .filter(c -> c.feedback().whereToLook().stream().noneMatch(place -> place.contains("/" + file + ":")))
                    .forEach(c -> wrong.add(broken.name() + ": where to look for " + broken.stretchCheck() + " misses " + file + ": "
                            + c.feedback().whereToLook()));
        }
        return wrong;
    }

    /** "for 3.1 s", "waited 568 ms", "(the read ended after 12011 ms)": a span the grader says it spent, in what it did or saw. */
    private static final java.util.regex.Pattern STATED_WAIT =
            java.util.regex.Pattern.compile("\\b(?:for|waited|after|up to) (\\d+(?:\\.\\d+)?) (ms|s)\\b(?! after it started)");

    /**
     * Every sentence is an observation: a wait the feedback says the grader spent, in what it did or
     * what the server did, is never longer than the check took (a deadline restated once read "waited
     * 60 s" beside a check of 568 ms).
     */
    static List<String> statedWaits(String name, CheckResult check) {
        List<String> wrong = new ArrayList<>();
        String did = check.feedback().did();
        if (did.contains("(once, for ")) {
            return wrong; // a wait shared with other checks, and said so: it may have been spent in one of them
        }
        for (String sentence : List.of(did, check.feedback().got())) {
            java.util.regex.Matcher m = STATED_WAIT.matcher(sentence);
            while (m.find()) {
                double millis = Double.parseDouble(m.group(1)) * (m.group(2).equals("s") ? 1000 : 1);
                if (millis > check.millis() + 100) {
                    wrong.add(name + ": \"" + check.name() + "\" says \"" + m.group() + "\" but took " + check.millis() + " ms: " + sentence);
                }
            }
        }
        return wrong;
    }

    private static Path materialiseCatalogue(String folder) throws IOException {
        Path solution = KIT.resolve("lesson-solution/src/main/java");
        Path submissions = WORK.resolve(folder);
        Catalogue.deleteRecursively(submissions);
        Catalogue.copyTree(KIT.resolve("lesson-solution/src"), submissions.resolve("reference-solution/src"));
        for (Catalogue.Broken broken : Catalogue.ALL) {
            Catalogue.materialise(broken, solution, submissions.resolve(broken.name()));
        }
        return submissions;
    }

    private static Set<Part> partsWith(Verdict verdict, Status status) {
        Set<Part> parts = new java.util.TreeSet<>();
        verdict.with(status).forEach(c -> parts.add(c.part()));
        return parts;
    }

    /** Every "where to look" of every failure names a file:line that exists, with that line's code. */
    private static void assertPlacesExist(Verdict verdict, Path shownFrom) throws IOException {
        for (CheckResult check : verdict.with(Status.FAILED)) {
            if (check.feedback() == null) {
                continue;
            }
            if (check.part() != Parts.ARCHITECTURE) {
                assertThat(check.feedback().whereToLook()).as("where to look, for " + check.name()).isNotEmpty();
            }
            for (String place : check.feedback().whereToLook()) {
                Matcher m = PLACE.matcher(place);
                assertThat(m.find()).as("a file:line in " + place).isTrue();
                Path file = Path.of(m.group(1)).isAbsolute() ? Path.of(m.group(1)) : KIT.resolve(m.group(1));
                assertThat(file).as(place).exists();
                List<String> lines = Files.readAllLines(file);
                int line = Integer.parseInt(m.group(2));
                assertThat(line).as(place).isBetween(1, lines.size());
                assertThat(place).endsWith(abbreviate(lines.get(line - 1).strip()));
            }
        }
    }

    private static String abbreviate(String code) {
        return code.length() > 90 ? code.substring(0, 87) + "..." : code;
    }

    /** Console output with times, ports, timestamps and paths taken out, so a diff shows feedback changes only. */
    static String normalise(String text) {
        return text.replaceAll("\\[\\+\\d+ ms\\]", "[+T ms]")
                .replaceAll("\\d\\d:\\d\\d:\\d\\d\\.\\d{3}", "HH:MM:SS.mmm")
                .replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:PORT")
                .replaceAll("after \\d+ ms", "after T ms")
                .replaceAll("\\.\\.\\. \\(\\d+ earlier lines\\)", "... (N earlier lines)")
                .replace(KIT + "/", "");
    }
}
