package dev.echokit.grader.checks;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a grading's proof log goes. The learner's own proof is only ever written by a full grading
 * of their own work; grading another target writes that target's proof beside it, and a grading of
 * some parts only writes none, so that neither can replace or delete the one the learner pastes.
 */
public sealed interface ProofPlace {

    /** The learner's own: {@code proof/server.log} in the work folder (a class's or Gradescope's submission is its own). */
    record Own() implements ProofPlace {
    }

    /** Another target's, beside the learner's: {@code proof/NAME/server.log}. */
    record Beside(String name) implements ProofPlace {
        public Beside {
            name = name.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^[.-]+|-+$", "");
            if (name.isEmpty()) {
                name = "other";
            }
        }
    }

    /** No proof at all: a run of only some parts (the words say which, for the summary). */
    record None(String run) implements ProofPlace {
    }

    ProofPlace OWN = new Own();

    /** The folder this run's proof goes to, if any. */
    default Optional<Path> dir(Path workDir) {
        Path own = Proof.ownDir(workDir);
        if (this instanceof Beside beside) {
            return Optional.of(own.resolve(beside.name()));
        }
        return this instanceof Own ? Optional.of(own) : Optional.empty();
    }
}
