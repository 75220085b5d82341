package dev.echokit.grader.checks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lesson's proof: the server's log from the check {@link #CHECK}, offered to the learner only when
 * it tells the lesson's story in the contract's words — clients accepted up to the limit, then a
 * refusal — and the lesson's own proof patterns match it. The check writes a candidate; after the
 * run, {@link #settle} makes it the proof or keeps it aside with what is missing. A run that
 * checks no task leaves the last proof as it was.
 */
public final class Proof {

    /** The lesson's {@code proof.regex_patterns}, in its front matter; ProofTest keeps the two the same. */
    static final List<String> LESSON_PATTERNS = List.of("limit|max|refuse|reject", "rejected connection: at capacity \\(\\d+/\\d+\\)");

    private static final String TIME = "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ";
    private static final String PEER = "\\S+:\\d+";
    private static final String COUNT = " \\((\\d+)/(\\d+)\\)";

    /** Every line the contract lets a server print, after its timestamp. */
    private static final List<Pattern> CONTRACT = List.of(
            Pattern.compile(TIME + "listening on " + PEER + " \\(max clients: (\\d+)\\)"),
            Pattern.compile(TIME + "accepted connection from " + PEER + COUNT),
            Pattern.compile(TIME + "rejected connection: at capacity" + COUNT),
            Pattern.compile(TIME + "closed connection from " + PEER + COUNT),
            Pattern.compile(TIME + "shutting down"),
            Pattern.compile(TIME + "cannot accept: .+; retrying every \\d+ ms"),
            Pattern.compile(TIME + "accepting again"));
    /** The peer of an "accepted" or "closed" line: a departure must be of a client the log admitted. */
    private static final Pattern PEER_OF = Pattern.compile("(accepted|closed) connection from (" + PEER + ") \\(");
    private static final Pattern ACCEPTED = CONTRACT.get(1);
    private static final Pattern REJECTED = CONTRACT.get(2);
    private static final Pattern CLOSED = CONTRACT.get(3);

    private Proof() {
    }

    /** The first line of a proof: what was graded, and when, so that a pasted proof says which code it came from. */
    static final String HEADER = "# graded ";

    /** The learner's own proof folder in a work folder: {@code proof}, beside the grader's report. */
    static Path ownDir(Path workDir) {
        return workDir.resolve("proof");
    }

    /** The proof the learner pastes: there only when the last full grading of their own work made one that holds. */
    public static Path file(Path workDir) {
        return file(workDir, ProofPlace.OWN).orElseThrow();
    }

    /** The proof file a run that writes to {@code place} leaves, if it writes one. */
    public static Optional<Path> file(Path workDir, ProofPlace place) {
        return place.dir(workDir).map(dir -> dir.resolve("server.log"));
    }

    /** The check whose server's log is the lesson's proof: clients fill the server, one leaves, a new one is admitted, the next refused. */
    public static final String CHECK = "a client that closes cleanly frees exactly one slot";

    /** Where the check {@link #CHECK} writes the log it offers as proof; {@link #settle} decides what becomes of it. */
    public static Path candidate(Path workDir) {
        return ownDir(workDir).resolve("candidate.log");
    }

    /** A candidate that did not hold, kept so that the learner can read it next to what it lacks. */
    static Path notAProof(Path dir) {
        return dir.resolve("not-a-proof.log");
    }

    /** Before a run: a candidate left over from an interrupted run must not pass for this run's. */
    public static void prepare(Path workDir) throws IOException {
        Files.deleteIfExists(candidate(workDir));
    }

    /** {@link #settle(Path, ProofPlace, boolean, String)} for the learner's own proof, as the self-test settles it. */
    public static void settle(Path workDir, boolean checkedATask) throws IOException {
        settle(workDir, ProofPlace.OWN, checkedATask, "the graded server");
    }

    /**
     * After a run: when it checked a task and has a place for its proof, the proof that was there goes,
     * and this run's candidate, headed by what was graded and when, becomes the proof if it holds, or
     * is kept aside if not. A run that checked no task, or has no place for a proof, changes nothing.
     *
     * @param graded what was graded, for the proof's first line: the source folder, its file count and digest, or the command
     */
    public static void settle(Path workDir, ProofPlace place, boolean checkedATask, String graded) throws IOException {
        Path candidate = candidate(workDir);
        Optional<Path> dir = place.dir(workDir);
        if (!checkedATask || dir.isEmpty()) {
            Files.deleteIfExists(candidate);
            return;
        }
        Path proof = dir.get().resolve("server.log");
        Files.deleteIfExists(proof);
        Files.deleteIfExists(notAProof(dir.get()));
        if (Files.exists(candidate)) {
            Files.createDirectories(dir.get()); // only for a log to keep: a run without one leaves no empty folder
            List<String> lines = Files.readAllLines(candidate, StandardCharsets.UTF_8);
            String at = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
                    .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC));
            List<String> headed = new ArrayList<>();
            headed.add(HEADER + graded.replaceAll("[\\r\\n]+", " ") + " at " + at);
            headed.addAll(lines);
            Files.write(problems(lines).isEmpty() ? proof : notAProof(dir.get()), headed, StandardCharsets.UTF_8);
            Files.delete(candidate);
        }
    }

    /** What the log lacks to prove the lesson, in plain words; empty when it holds. */
    public static List<String> problems(List<String> log) {
        List<String> problems = new ArrayList<>();
        // A proof's first line says what was graded; the server's log follows it.
        boolean headed = !log.isEmpty() && log.get(0).startsWith(HEADER);
        List<String> lines = headed ? log.subList(1, log.size()) : log;
        int shift = headed ? 2 : 1; // "line N" is the file's own line number, the header counted
        int firstRefusal = -1;
        int admittedToLimit = -1;
        java.util.Set<String> connected = new java.util.HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (CONTRACT.stream().noneMatch(p -> p.matcher(line).matches())) {
                problems.add("line " + (i + shift) + " is not one of the lesson's log lines: " + line);
                continue;
            }
            // Only the peers, never the order of the counts: a server with a thread per client may log (2/3) before (1/3).
            Matcher peer = PEER_OF.matcher(line);
            if (peer.find() && peer.group(1).equals("accepted")) {
                connected.add(peer.group(2));
            } else if (peer.find(0) && !connected.remove(peer.group(2))) {
                problems.add("line " + (i + shift) + " logs the departure of a client the log never accepted (a refused one?): " + line);
            }
            Optional<String> wrong = wrongCount(line);
            if (wrong.isPresent()) {
                problems.add("line " + (i + shift) + " " + wrong.get() + ": " + line);
            }
            Matcher accepted = ACCEPTED.matcher(line);
            if (firstRefusal < 0 && accepted.matches() && accepted.group(1).equals(accepted.group(2))) {
                admittedToLimit = i;
            }
            if (firstRefusal < 0 && REJECTED.matcher(line).matches()) {
                firstRefusal = i;
            }
        }
        boolean mentionsRefusal = lines.stream().anyMatch(line -> line.contains("rejected connection"));
        if (firstRefusal < 0 && !mentionsRefusal) {
            problems.add("no refusal: no line reads \"rejected connection: at capacity (N/MAX)\"");
        } else if (firstRefusal >= 0 && admittedToLimit < 0) {
            problems.add("no client was accepted up to the limit before the first refusal:"
                    + " no \"accepted connection from HOST:PORT (MAX/MAX)\" line comes before it");
        }
        String text = String.join("\n", lines);
        for (String pattern : LESSON_PATTERNS) {
            if (!Pattern.compile(pattern).matcher(text).find()) {
                problems.add("the lesson's proof pattern " + pattern + " matches no line");
            }
        }
        return problems;
    }

    /**
     * What is wrong with a line's (N/MAX), if anything: a server that admits past its limit, refuses
     * below it or counts below zero does not show the lesson's story, whatever the words say.
     */
    private static Optional<String> wrongCount(String line) {
        Matcher accepted = ACCEPTED.matcher(line);
        if (accepted.matches() && (number(accepted.group(1)).compareTo(number(accepted.group(2))) > 0
                || number(accepted.group(1)).signum() == 0)) {
            return Optional.of("admits a client past the limit (or counts none)");
        }
        Matcher rejected = REJECTED.matcher(line);
        if (rejected.matches() && number(rejected.group(1)).compareTo(number(rejected.group(2))) != 0) {
            return Optional.of("logs a refusal with a count other than the limit");
        }
        Matcher closed = CLOSED.matcher(line);
        if (closed.matches() && number(closed.group(1)).compareTo(number(closed.group(2))) >= 0) {
            return Optional.of("still counts the limit or more after a client left");
        }
        return Optional.empty();
    }

    /** The first two problems, and how many more of them there are (the log itself is beside the note, not the problems). */
    private static String firstFew(List<String> problems) {
        return problems.size() <= 2 ? String.join("; ", problems)
                : problems.get(0) + "; " + problems.get(1) + "; and " + (problems.size() - 2) + " more problem" + (problems.size() == 3 ? "" : "s");
    }

    /** A count as the server printed it, however many digits. */
    private static java.math.BigInteger number(String digits) {
        return new java.math.BigInteger(digits);
    }

    /** {@link #note(Path, ProofPlace, boolean, Function)} for the learner's own proof. */
    public static Optional<String> note(Path workDir, boolean checkedATask, Function<Path, Path> shown) throws IOException {
        return note(workDir, ProofPlace.OWN, checkedATask, shown);
    }

    /**
     * The summary's line about the proof: where it is, or why there is none, and, when this run wrote
     * no proof of the learner's own, that theirs is left as it was. Empty when there is nothing to say.
     */
    public static Optional<String> note(Path workDir, ProofPlace place, boolean checkedATask, Function<Path, Path> shown) throws IOException {
        return note(workDir, place, checkedATask, Optional.empty(), shown);
    }

    /**
     * As above, for a grading that scored {@code shortOfFull} ("38/50") when it is not full marks: a
     * proof written then still tells the lesson's story, and the note says when to paste it.
     */
    public static Optional<String> note(Path workDir, ProofPlace place, boolean checkedATask, Optional<String> shortOfFull,
                                        Function<Path, Path> shown) throws IOException {
        Path own = file(workDir);
        String yours = Files.exists(own) ? "your own, " + shown.apply(own) + ", is left as it was"
                : "yours comes from a full grading of your own work";
        if (place instanceof ProofPlace.None none) {
            return Optional.of("no proof log written: this run checked " + none.run() + " only; " + yours);
        }
        Path dir = place.dir(workDir).orElseThrow();
        Path proof = dir.resolve("server.log");
        String whose = place instanceof ProofPlace.Beside ? "proof log of this target" : "proof log for the lesson";
        String after = place instanceof ProofPlace.Beside ? " (" + yours + ")" : "";
        if (!checkedATask) {
            return Files.exists(proof)
                    ? Optional.of(whose + ": " + shown.apply(proof) + " (from an earlier run: this run checked no task)")
                    : Optional.empty();
        }
        if (Files.exists(proof)) {
            // Pasting is for the learner's own proof; beside it, a target's proof is only told apart from theirs (once both
            // brackets stood side by side, one saying to paste this proof and the other that it was not theirs).
            if (place instanceof ProofPlace.Beside) {
                return Optional.of(whose + ": " + shown.apply(proof) + " (" + shortOfFull.map(score -> "this grading scored " + score + "; ")
                        .orElse("") + yours + ")");
            }
            return Optional.of(whose + ": " + shown.apply(proof) + shortOfFull.map(score -> " (this grading scored " + score
                    + ": paste the proof once the grader shows full marks)").orElse(""));
        }
        Path kept = notAProof(dir);
        if (Files.exists(kept)) {
            List<String> problems = problems(Files.readAllLines(kept, StandardCharsets.UTF_8));
            boolean foreign = problems.stream().anyMatch(p -> p.contains("is not one of the lesson's log lines"));
            return Optional.of("no " + whose + ": the server's log from \"" + CHECK + "\" (" + shown.apply(kept) + ") does not prove it: "
                    + firstFew(problems) + (foreign ? " (search your code for that line's words: a proof holds the lesson's log lines and nothing"
                    + " else, from either of the server's output streams)" : "") + after);
        }
        return Optional.of("no " + whose + ": it comes from the check \"" + CHECK
                + "\", which did not run or did not pass in this run" + after);
    }
}
