package dev.echokit.grader.intake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.ExecutionException;

/**
 * A failure of the grader itself, put in words for a learner or an instructor: never a stack
 * trace. Each mode (one target, a class, Gradescope) turns such a failure into a score of 0 and
 * one of these lines, so the run always ends with a result.
 */
public final class GraderError {

    private GraderError() {
    }

    /** What went wrong, in one line: "could not read src/Foo.java (permission denied)". */
    public static String describe(Throwable e) {
        Throwable cause = e;
        while ((cause instanceof ExecutionException || cause instanceof UncheckedIOException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof AccessDeniedException denied) {
            return "could not read " + denied.getFile() + " (permission denied)";
        }
        if (cause instanceof NoSuchFileException missing) {
            return "a file disappeared while it was being read (" + missing.getFile() + ")";
        }
        if (cause instanceof CharacterCodingException) {
            return "a file's text could not be decoded";
        }
        if (cause instanceof OutOfMemoryError) {
            return "the grader ran out of memory";
        }
        if (cause instanceof StackOverflowError) {
            return "the grader ran out of stack";
        }
        String message = cause.getMessage() == null || cause.getMessage().isBlank() ? "" : ": " + cause.getMessage().lines().findFirst().orElse("").strip();
        return (cause instanceof IOException ? "a file could not be read or written" : "the grader stopped on an unexpected problem ("
                + cause.getClass().getSimpleName() + ")") + message;
    }

    /** The learner's message: what happened, that it is not their mistake, what to do. */
    static String forLearner(String why) {
        return "Not graded: the grader could not grade this submission (" + why + "). This is a problem of the grader,"
                + " not a verdict on your server: tell your instructor, and submit again once they say it is fixed.";
    }
}
