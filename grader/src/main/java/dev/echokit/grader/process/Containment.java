package dev.echokit.grader.process;

/** How learner servers are held on this machine, strongest first; the summary and the class tables say which. */
public enum Containment {

    /**
     * bubblewrap shows each server an allow-listed view of the machine in its own process namespace;
     * when the grader is root, the server also runs as a user id of its own with no capability.
     */
    BUBBLEWRAP,

    /**
     * The grader is root but bubblewrap is missing or refused (a Gradescope container, a CI runner):
     * each server runs as a user id of its own with no capability, under the same limits, and every
     * process of that user is ended after its check. It sees the machine as any unprivileged user does.
     */
    OWN_USER,

    /** Neither: a learner's own machine without bubblewrap, where the server runs as the learner. */
    NONE
}
