package dev.echokit.grader.checks;

import dev.echokit.grader.process.Probe;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What one client past the limit saw, judged against task 3's contract from what was recorded
 * alone (the bytes, and how the connection ended): no socket, so a recorded refusal is judged in a
 * unit test. Each kind carries the hint for its cause.
 */
enum Refusal {
    /** Exactly the line, then a clean end of stream: the contract. */
    CLEAN(""),
    /** Nothing listened: the server closed its listener while full. */
    REFUSED_AT_CONNECT("the connection was refused, so the client never read a word: a server at its limit keeps its listening socket"
            + " open, accepts the client, writes the line, then closes that one connection (closing the listener while full"
            + " turns clients away without telling them why)"),
    /** Nothing arrived and the connection stayed open, where /proc could not tell whether the server had accepted it. */
    LEFT_WAITING("nothing arrived, and a line it sent did not come back: the client was never accepted (it waits in the kernel's"
            + " backlog), or it was accepted and then left alone. At the limit, keep calling accept(), then write the line and close"),
    /** Nothing arrived, and /proc showed the connection still in the listener's queue. */
    LEFT_IN_BACKLOG("the client was never accepted: it waits in the kernel's backlog. At the limit, keep calling accept(), then write"
            + " the line and close: a client past the limit is accepted and told, not left queued"),
    /** Nothing arrived, and /proc showed the server had accepted the connection. */
    LEFT_ALONE("the server accepted the client and then left it alone: at the limit, write the line and close the connection"
            + " right after accepting it"),
    /** Some bytes, and the connection stayed open. */
    LEFT_OPEN("the line arrived but the connection stayed open: close it after writing"),
    /** A clean end of stream with nothing before it. */
    SILENT_CLOSE("the server closed without a word: write the line before closing"),
    /** The words without their newline. */
    NO_NEWLINE("the line needs its newline: write \"server at capacity\\n\""),
    /**
     * A reset, with or without the line before it. The same cause whether the reset arrived before
     * the grader read to the end or after it (the check then writes one byte to see it), so one hint.
     */
    RESET("the server closes refused connections with a reset (SO_LINGER 0, or closing with unread bytes), so a client"
            + " slower to read than the grader loses the line. Write the line, shut down output, read what the client"
            + " sent, then close normally"),
    /** Other bytes than the line. */
    OTHER_WORDS("write exactly these 19 bytes: \"server at capacity\\n\" — same words, lower case, one newline");

    static final byte[] LINE = Scenario.AT_CAPACITY.getBytes(StandardCharsets.US_ASCII); // the contract's line, in one place

    private final String hint;

    Refusal(String hint) {
        this.hint = hint;
    }

    String hint() {
        return hint;
    }

    static Refusal of(Probe.Received got) {
        boolean nothing = got.bytes().length == 0;
        return switch (got.ending()) {
            case REFUSED -> REFUSED_AT_CONNECT;
            case TIMEOUT, COMPLETE -> !nothing ? LEFT_OPEN : got.unanswered() == null ? LEFT_WAITING
                    : got.unanswered().accepted() ? LEFT_ALONE : LEFT_IN_BACKLOG;
            case RESET -> "server at capacity".equals(got.text()) ? NO_NEWLINE : RESET;
            case END_OF_STREAM -> nothing ? SILENT_CLOSE : Arrays.equals(got.bytes(), LINE) ? CLEAN
                    : "server at capacity".equals(got.text()) ? NO_NEWLINE : OTHER_WORDS;
        };
    }
}
