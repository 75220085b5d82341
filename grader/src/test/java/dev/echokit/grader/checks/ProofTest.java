package dev.echokit.grader.checks;

import dev.echokit.grader.SelfTestPaths;
import static org.assertj.core.api.Assertions.assertThat;

import dev.echokit.grader.Catalogue;
import dev.echokit.grader.Parts;
import dev.echokit.grader.SelfTestCondition;
import dev.echokit.grader.cli.GraderCommand;
import dev.echokit.grader.report.Verdict;
import dev.echokit.grader.run.Grader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The lesson's proof: offered only when it proves the lesson, and never replaced by a run that checks no task. */
@Tag("selftest")
@DisplayName("The proof log")
@ExtendWith(SelfTestCondition.class)
class ProofTest {

    private static final Path KIT = SelfTestPaths.KIT;
    private static final Path WORK = SelfTestPaths.WORK;
    private static final Function<Path, Path> AS_IS = p -> p;

    private static final List<String> STORY = List.of(
            "21:04:10.117 listening on 127.0.0.1:9000 (max clients: 3)",
            "21:04:13.502 accepted connection from 127.0.0.1:40112 (1/3)",
            "21:04:14.861 accepted connection from 127.0.0.1:40118 (2/3)",
            "21:04:15.930 accepted connection from 127.0.0.1:40126 (3/3)",
            "21:04:17.244 rejected connection: at capacity (3/3)",
            "21:04:21.006 closed connection from 127.0.0.1:40118 (2/3)");

    @Test
    @DisplayName("the grader's proof patterns are the lesson's own")
    void patternsAreTheLessons() throws Exception {
        String lesson = Files.readString(KIT.resolve(Parts.LESSON.text()));
        String front = lesson.substring(0, lesson.indexOf("\n---", 4));
        Matcher quoted = Pattern.compile("^\\s+- \"(.*)\"$", Pattern.MULTILINE).matcher(front.substring(front.indexOf("regex_patterns:")));
        List<String> patterns = new java.util.ArrayList<>();
        while (quoted.find()) {
            patterns.add(quoted.group(1).replace("\\\\", "\\"));
        }
        assertThat(patterns).isEqualTo(Proof.LESSON_PATTERNS);
    }

    @Test
    @DisplayName("a log that tells the story holds; one that breaks the contract, lacks the refusal or refuses early does not, and says why")
    void problemsSayWhatIsMissing() {
        assertThat(Proof.problems(STORY)).isEmpty();

        List<String> noSpace = STORY.stream().map(l -> l.replace("at capacity (", "at capacity(")).toList();
        assertThat(Proof.problems(noSpace)).hasSize(2).anyMatch(p -> p.startsWith("line 5 is not one of the lesson's log lines: ")
                        && p.endsWith("rejected connection: at capacity(3/3)"))
                .anyMatch(p -> p.contains("rejected connection: at capacity \\(\\d+/\\d+\\)") && p.contains("matches no line"));

        assertThat(Proof.problems(STORY.subList(0, 4))).containsExactly("no refusal: no line reads \"rejected connection: at capacity (N/MAX)\"",
                "the lesson's proof pattern rejected connection: at capacity \\(\\d+/\\d+\\) matches no line");

        List<String> early = List.of(STORY.get(0), STORY.get(1), "21:04:17.244 rejected connection: at capacity (1/3)", STORY.get(3));
        assertThat(Proof.problems(early)).containsExactly(
                "line 3 logs a refusal with a count other than the limit: 21:04:17.244 rejected connection: at capacity (1/3)",
                "no client was accepted up to the limit before the first refusal:"
                        + " no \"accepted connection from HOST:PORT (MAX/MAX)\" line comes before it");

        // One client too many (a '>' for '>='): every line in the contract's form, the words of the story, and still no proof.
        List<String> oneTooMany = List.of(STORY.get(0), STORY.get(1), STORY.get(2), STORY.get(3),
                "21:04:16.400 accepted connection from 127.0.0.1:40130 (4/3)",
                "21:04:17.244 rejected connection: at capacity (4/3)",
                "21:04:21.006 closed connection from 127.0.0.1:40118 (3/3)");
        assertThat(Proof.problems(oneTooMany)).containsExactly(
                "line 5 admits a client past the limit (or counts none): 21:04:16.400 accepted connection from 127.0.0.1:40130 (4/3)",
                "line 6 logs a refusal with a count other than the limit: 21:04:17.244 rejected connection: at capacity (4/3)",
                "line 7 still counts the limit or more after a client left: 21:04:21.006 closed connection from 127.0.0.1:40118 (3/3)");

        // A refused client counted down as it goes (a helper's task 5 mistake): its departure, of a peer never accepted, is no proof.
        List<String> refusedCountedDown = new java.util.ArrayList<>(STORY);
        refusedCountedDown.add(5, "21:04:17.250 closed connection from 127.0.0.1:40130 (2/3)");
        assertThat(Proof.problems(refusedCountedDown)).containsExactly("line 6 logs the departure of a client the log never accepted"
                + " (a refused one?): 21:04:17.250 closed connection from 127.0.0.1:40130 (2/3)");

        List<String> withNoise = new java.util.ArrayList<>(STORY);
        withNoise.add(2, "debug: clients=2");
        assertThat(Proof.problems(withNoise)).containsExactly("line 3 is not one of the lesson's log lines: debug: clients=2");
        // In a proof file the first line says what was graded: a problem's line number is the file's own.
        List<String> headed = new java.util.ArrayList<>(withNoise);
        headed.add(0, Proof.HEADER + "lesson-starter/src/main/java (5 Java files, sha256 0123456789ab), scored 40/50 at 2026-12-04 19:40:09 UTC");
        assertThat(Proof.problems(headed)).containsExactly("line 4 is not one of the lesson's log lines: debug: clients=2");
    }

    @Test
    @DisplayName("after a run that checks a task, a candidate that holds becomes the proof, one that does not is kept aside with why; a run that checks no task changes nothing")
    void settleKeepsOnlyAProof() throws Exception {
        Path work = WORK.resolve("selftest/proof-settle");
        Catalogue.deleteRecursively(work);
        Files.createDirectories(work.resolve("proof"));

        Files.write(Proof.candidate(work), STORY);
        Proof.settle(work, ProofPlace.OWN, true, "lesson-starter/src/main/java (5 Java files, sha256 0123456789ab)");
        List<String> proof = Files.readAllLines(Proof.file(work));
        assertThat(proof.get(0)).matches("# graded lesson-starter/src/main/java \\(5 Java files, sha256 0123456789ab\\) at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC");
        assertThat(proof.subList(1, proof.size())).isEqualTo(STORY);
        assertThat(Proof.problems(proof)).as("the first line names the graded source, and is no line of the log").isEmpty();
        assertThat(Proof.candidate(work)).doesNotExist();
        assertThat(Proof.note(work, true, AS_IS)).contains("proof log for the lesson: " + Proof.file(work));
        // Written by a grading short of full marks, the proof is there, and the note says when to paste it.
        assertThat(Proof.note(work, ProofPlace.OWN, true, Optional.of("38/50"), AS_IS).orElseThrow())
                .isEqualTo("proof log for the lesson: " + Proof.file(work) + " (this grading scored 38/50: paste the proof once the grader shows full marks)");

        // A run that checks no task (stretch only): the last proof stays, and the summary says it is an earlier run's.
        Proof.prepare(work);
        Proof.settle(work, false);
        assertThat(Proof.file(work)).exists();
        assertThat(Proof.note(work, false, AS_IS).orElseThrow()).endsWith("(from an earlier run: this run checked no task)");

        // A run that checks a task and writes a log that does not prove the lesson: no proof, and why.
        Files.write(Proof.candidate(work), STORY.stream().map(l -> l.replace("at capacity (", "at capacity(")).toList());
        Proof.settle(work, true);
        assertThat(Proof.file(work)).doesNotExist();
        assertThat(Proof.note(work, true, AS_IS).orElseThrow()).startsWith("no proof log for the lesson: the server's log from \"" + Proof.CHECK + "\" (")
                .contains("line 6 is not one of the lesson's log lines");

        // A run that checks a task but not task 5's scenario: no proof, and which check makes one.
        Proof.settle(work, true);
        assertThat(Proof.note(work, true, AS_IS).orElseThrow()).contains("which did not run or did not pass in this run");
    }

    @Test
    @DisplayName("graded for real: the solution's task 5 scenario makes the proof, an echo-only run leaves it, and a server whose refusal line lacks its space gets none")
    void realRuns() throws Exception {
        Path work = WORK.resolve("selftest/proof-real");
        Catalogue.deleteRecursively(work);
        String solution = KIT.resolve("lesson-solution").toString();
        List<String> scenario = List.of("Task5Checks#cleanCloseFreesOneSlot");

        Verdict graded = Grader.grade(Grader.Request.of(solution, KIT, work).only(scenario));
        assertThat(graded.xpGraded()).isTrue();
        assertThat(Proof.file(work)).exists();
        assertThat(Proof.problems(Files.readAllLines(Proof.file(work)))).isEmpty();
        String proof = Files.readString(Proof.file(work));

        Verdict echoOnly = Grader.grade(Grader.Request.of(solution, KIT, work).only(List.of("EchoChecks")));
        assertThat(echoOnly.xpGraded()).isFalse();
        assertThat(Proof.file(work)).hasContent(proof.strip());
        assertThat(proof).startsWith("# graded lesson-solution/src/main/java (").containsPattern("^# graded [^\\n]*, scored \\d+/50 at ");

        Catalogue.Broken noSpace = new Catalogue.Broken("refusal-line-without-space", "writes at capacity(N/MAX)", Catalogue.SERVER,
                "\"rejected connection: at capacity (\"", "\"rejected connection: at capacity(\"", Set.of(Parts.TASK_4), Set.of(), null, null);
        Path broken = Catalogue.materialise(noSpace, KIT.resolve("lesson-solution/src/main/java"), WORK.resolve("selftest/proof-broken"));
        Verdict brokenVerdict = Grader.grade(Grader.Request.of(broken.toString(), KIT, work).only(scenario));
        assertThat(brokenVerdict.xpGraded()).isTrue();
        assertThat(Proof.file(work)).doesNotExist();
        Optional<String> note = Proof.note(work, true, AS_IS);
        assertThat(note.orElseThrow()).startsWith("no proof log for the lesson").contains("is not one of the lesson's log lines")
                .contains("at capacity(3/3)");
    }

    @Test
    @DisplayName("the learner's own proof is written by a full grading of their work only: grading the solution writes beside it, grading one task writes none, and neither touches it")
    void theLearnersProofStaysTheirs() throws Exception {
        // A kit whose starter is finished: the learner's own full grading makes their proof.
        Path kit = WORK.resolve("selftest/proof-own/kit");
        Catalogue.deleteRecursively(kit.getParent());
        Catalogue.copyTree(KIT.resolve("lesson-solution/src/main/java"), kit.resolve("lesson-starter/src/main/java"));
        Path out = kit.resolve("grader/target");
        Path own = Proof.file(out);

        assertThat(grade("--kit", kit.toString(), "--out", out.toString())).isZero();
        List<String> first = Files.readAllLines(own);
        assertThat(first.get(0)).startsWith("# graded lesson-starter/src/main/java (5 Java files, sha256 ");
        assertThat(Proof.problems(first)).isEmpty();
        byte[] ownBytes = Files.readAllBytes(own);

        // Another target: its proof goes beside the learner's, named for it; theirs is left as it was.
        assertThat(grade("--kit", kit.toString(), "--out", out.toString(), "--target", KIT.resolve("lesson-solution").toString())).isZero();
        Path beside = out.resolve("proof/lesson-solution/server.log");
        assertThat(Files.readAllLines(beside).get(0)).startsWith("# graded ").contains("lesson-solution/src/main/java (5 Java files, sha256 ");
        assertThat(Files.readAllBytes(own)).isEqualTo(ownBytes);

        // Some parts only, the proof's own check among them: no proof written, theirs left as it was.
        assertThat(grade("--kit", kit.toString(), "--out", out.toString(), "--groups", "task:5")).isZero();
        assertThat(grade("--kit", kit.toString(), "--out", out.toString(), "--groups", "task:3")).isZero();
        assertThat(Files.readAllBytes(own)).isEqualTo(ownBytes);
        assertThat(Proof.note(out, new ProofPlace.None("task:3"), true, AS_IS).orElseThrow())
                .isEqualTo("no proof log written: this run checked task:3 only; your own, " + own + ", is left as it was");
    }

    private static int grade(String... args) {
        return GraderCommand.commandLine().execute(args);
    }
}
