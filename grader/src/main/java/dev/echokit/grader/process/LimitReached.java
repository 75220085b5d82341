package dev.echokit.grader.process;

/**
 * A limit a server reached, and what ended it there: the grader's watchdog, the kernel's signal or
 * the server's own runtime. Each is said as it was seen, so a JVM that gave up for lack of memory is
 * never said to have been stopped by the grader.
 *
 * @param endedBy what ended the server, as the start of a sentence
 * @param byGrader whether that was the grader (it killed the server, so its exit code says nothing of its own)
 * @param what    the limit, as "it …"
 */
public record LimitReached(String endedBy, boolean byGrader, String what) {

    static LimitReached byGrader(String what) {
        return new LimitReached("the grader stopped the server", true, what);
    }

    static LimitReached byKernel(String signal, String what) {
        return new LimitReached("the kernel stopped the server with " + signal, false, what);
    }

    static LimitReached byRuntime(String error, String what) {
        return new LimitReached("the server ended after " + error, false, what);
    }

    /**
     * The grader's stop during a start, said the same whether its watchdog's round or the count at
     * the listening line came first: "the grader stopped the server before the first connection: …".
     */
    public String atStart() {
        return endedBy + " before the first connection: " + what;
    }

    /** For example "the grader stopped the server: it started more than 160 processes". */
    public String sentence() {
        return endedBy + ": " + what;
    }
}
