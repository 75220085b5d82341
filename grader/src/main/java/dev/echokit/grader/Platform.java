package dev.echokit.grader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What the machine offers the grader beyond the JDK: Linux's /proc (descriptor counts, the
 * kernel's table of listening sockets) and a bash with {@code ulimit}. A check that needs one of
 * them on a platform without it is reported n/a, with the reason, never failed or passed.
 * {@code portable} makes Linux behave like macOS or Windows, so that path is tested here too.
 *
 * @param name   how the summary names the platform
 * @param procFs Linux's /proc is there to read
 * @param ulimit bash's {@code ulimit -n} can start a server with fewer file descriptors
 * @param bubblewrap {@code bwrap} works here, so learner servers run contained
 */
public record Platform(String name, boolean procFs, boolean ulimit, boolean bubblewrap) {

    /** Where the grader looks for bubblewrap. */
    static final Path BWRAP = Path.of("/usr/bin/bwrap");

    private static volatile Boolean bubblewrapWorks;

    public static Platform detect() {
        String os = System.getProperty("os.name", "unknown");
        String lower = os.toLowerCase(Locale.ROOT);
        if (lower.contains("linux") && ProcFs.available()) {
            return new Platform("Linux", true, Files.isExecutable(Path.of("/bin/bash")) || Files.isExecutable(Path.of("/usr/bin/bash")),
                    bubblewrapWorks());
        }
        return new Platform(lower.contains("mac") ? "macOS" : lower.contains("win") ? "Windows" : os, false, false, false);
    }

    /** As on a platform without /proc, bash or ulimit (macOS, Windows), whatever this one has. */
    public static Platform portable() {
        return new Platform("a portable platform (no /proc, bash or ulimit)", false, false, false);
    }

    /** {@code auto} (or empty) detects; {@code portable} pretends to have nothing but the JDK. */
    public static Platform of(String setting) {
        if (setting == null || setting.isBlank() || setting.equals("auto")) {
            return detect();
        }
        if (setting.equals("portable")) {
            return portable();
        }
        throw new IllegalArgumentException("must be auto or portable");
    }

    public static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }

    /** Tried once per JVM: bwrap can be installed and still be refused namespaces by the machine. */
    private static boolean bubblewrapWorks() {
        if (bubblewrapWorks == null) {
            boolean works = false;
            if (Files.isExecutable(BWRAP)) {
                try {
                    Process trial = new ProcessBuilder(BWRAP.toString(), "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                            "--unshare-pid", "--die-with-parent", "true").redirectErrorStream(true).start();
                    trial.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                    works = trial.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && trial.exitValue() == 0;
                } catch (java.io.IOException e) {
                    works = false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            bubblewrapWorks = works;
        }
        return bubblewrapWorks;
    }

    /** One line for the top of the output when learner servers cannot be contained here. */
    public String containment() {
        return bubblewrap ? "servers run contained (bubblewrap): own process namespace, read-only files but their scratch folder"
                : "servers are not contained: install bubblewrap (bwrap) to keep what they do inside their scratch folder";
    }

    /** The one line a check reports when this platform lacks what it measures with. */
    public String lacks(String what, String needs) {
        return "not applicable: " + what + " needs " + needs + "; not measured on " + name;
    }
}
