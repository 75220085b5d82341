package dev.echokit.grader;

import java.nio.file.Path;

/** Where the self-tests find the kit and write their work: set by the build (grader/pom.xml), with defaults for an IDE run from grader/. */
public final class SelfTestPaths {

    /** The kit's root: the folder holding lesson-starter, lesson-solution and grader. */
    public static final Path KIT = Path.of(System.getProperty("grader.kitRoot", "..")).toAbsolutePath().normalize();

    /** The grader module's build folder, where each self-test keeps what it graded. */
    public static final Path WORK = Path.of(System.getProperty("grader.workDir", "target")).toAbsolutePath();

    private SelfTestPaths() {
    }
}
