package dev.echokit.flood;

/** What happened to one flood connection. */
enum Outcome {
    ADMITTED("admitted", "its line came back"),
    REFUSED("refused", "read the refusal message, then end of stream"),
    OTHER_REPLY("other reply", "got other bytes, or the message without a clean end"),
    CLOSED("closed", "end of stream with no message"),
    RESET("reset", "connection reset"),
    TIMED_OUT("timed out", "no answer in time (waiting in the backlog, or a blocked server)"),
    CONNECT_FAILED("connect failed", "could not connect (refused by the kernel, or timed out)");

    final String label;
    final String meaning;

    Outcome(String label, String meaning) {
        this.label = label;
        this.meaning = meaning;
    }
}
