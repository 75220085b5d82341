package dev.echokit.grader.lesson;

/**
 * What one part of the lesson makes the server do, in the weakest form another part's checks rely
 * on it: the lesson's definition says which part provides each, and {@code Preconditions} holds the
 * probe that tells, on a fresh server, whether it holds.
 */
public enum Behaviour {
    ECHOES("the server starts and echoes a line"),
    TAKES_THE_OPTION("the server starts with --max-clients N and keeps N"),
    TURNS_AWAY("past the limit, a client is turned away"),
    ENDS_REFUSALS("a refused client's connection ends, and the refusal is not counted"),
    FREES_SLOTS("a client that leaves frees its slot, and a refusal frees none");

    private final String words;

    Behaviour(String words) {
        this.words = words;
    }

    /** The behaviour in one phrase, for {@code grader lesson}. */
    public String words() {
        return words;
    }
}
