package dev.echokit.grader.checks;

import java.util.List;

/** Every check class, in lesson order: what a grading run selects. */
public final class Checks {

    public static final List<Class<?>> ALL = List.of(EchoChecks.class, Task1Checks.class, Task2Checks.class,
            Task3Checks.class, Task4Checks.class, Task5Checks.class, ArchitectureChecks.class, StretchChecks.class);

    private Checks() {
    }
}
