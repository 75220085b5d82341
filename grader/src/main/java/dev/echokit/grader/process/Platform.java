package dev.echokit.grader.process;

import dev.echokit.grader.lesson.NotApplicable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What the machine offers the grader beyond the JDK: Linux's /proc (descriptor counts, the
 * kernel's table of listening sockets) and a bash with {@code ulimit}. A check that needs one of
 * them on a platform without it is reported n/a, with the reason, never failed or passed.
 * {@code portable} makes Linux behave like macOS or Windows, so that path is tested here too.
 *
 * @param name   how the summary names the platform
 * @param procFs Linux's /proc is there to read
 * @param ulimit bash's {@code ulimit -n} can start a server with fewer file descriptors
 * @param containment how learner servers are held here: bubblewrap, a user id of their own, or not at all
 * @param network whether each grading runs in a network of its own here ({@link GradingNetwork}), or shares the machine's
 */
public record Platform(String name, boolean procFs, boolean ulimit, Containment containment, GradingNetwork.Kind network) {

    /** A platform whose gradings share the machine's network: the self-test's, where it keeps verdicts in memory. */
    public Platform(String name, boolean procFs, boolean ulimit, Containment containment) {
        this(name, procFs, ulimit, containment, GradingNetwork.Kind.SHARED);
    }

    /** The same platform with gradings in this process, sharing its network (a test that reads the verdicts in memory). */
    public Platform sharingNetwork() {
        return new Platform(name, procFs, ulimit, containment, GradingNetwork.Kind.SHARED);
    }

    /** The same platform, its servers held another way (a child grader told how its parent holds them). */
    public Platform containing(Containment how) {
        return new Platform(name, procFs, ulimit, how, network);
    }

    /** Whether a class's or Gradescope's grading should start a child grader in a network of its own. */
    public boolean gradesInOwnNetwork() {
        return network == GradingNetwork.Kind.BUBBLEWRAP || network == GradingNetwork.Kind.UNSHARE;
    }

    private static volatile Containment detected;

    public static Platform detect() {
        String os = System.getProperty("os.name", "unknown");
        String lower = os.toLowerCase(Locale.ROOT);
        if (lower.contains("linux") && ProcFs.available()) {
            return new Platform("Linux", true, Files.isExecutable(Path.of("/bin/bash")) || Files.isExecutable(Path.of("/usr/bin/bash")),
                    containmentHere(), GradingNetwork.here());
        }
        return new Platform(lower.contains("mac") ? "macOS" : lower.contains("win") ? "Windows" : os, false, false, Containment.NONE);
    }

    /** As on a platform without /proc, bash or ulimit (macOS, Windows), whatever this one has. */
    public static Platform portable() {
        return new Platform("a portable platform (no /proc, bash or ulimit)", false, false, Containment.NONE);
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

    /**
     * Tried once per JVM, with a real start: bwrap can be installed and still be refused namespaces
     * (a container), and setpriv needs root.
     */
    private static Containment containmentHere() {
        if (detected == null) {
            Containment found = Containment.NONE;
            if (Files.isExecutable(Sandbox.BWRAP) && trial(true)) {
                found = Containment.BUBBLEWRAP;
            } else if (ServerUser.available() && trial(false)) {
                found = Containment.OWN_USER;
            }
            detected = found;
        }
        return detected;
    }

    /** Starts {@code true} the way servers will be started: inside bubblewrap or not, as a user of its own when root. */
    private static boolean trial(boolean bubblewrap) {
        Platform trying = new Platform("Linux", true, true, bubblewrap ? Containment.BUBBLEWRAP : Containment.OWN_USER);
        try (ServerFiles files = ServerFiles.create();
             ServerUser user = ServerUser.isRoot() ? ServerUser.lease() : null) {
            Path scratch = files.newScratch(Optional.ofNullable(user));
            List<String> command = new ArrayList<>(Sandbox.prefix(trying, Limits.DEFAULT,
                    Optional.ofNullable(user), scratch, List.of()));
            if (!bubblewrap && user == null) {
                return false;
            }
            command.add("true");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).directory(scratch.toFile());
            Sandbox.environment(trying, builder.environment(), scratch);
            Process trial = builder.start();
            trial.getInputStream().transferTo(OutputStream.nullOutputStream());
            return trial.waitFor(10, TimeUnit.SECONDS) && trial.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** One line for the top of the output and the class tables: how learner servers are held here. */
    public String describeContainment() {
        return describeServers() + "; " + GradingNetwork.describe(network);
    }

    private String describeServers() {
        return switch (containment) {
            case BUBBLEWRAP -> ServerUser.isRoot()
                    ? "servers run contained (bubblewrap, each as a user of its own without privilege, within limits)"
                    : "servers run contained (bubblewrap: own process namespace, read-only files but their scratch folder, within limits)";
            case OWN_USER -> "servers run as a user of their own without privilege, within limits, but see the machine as any user does:"
                    + " install bubblewrap (bwrap) to contain them fully";
            case NONE -> "servers are not contained: install bubblewrap (bwrap) to keep what they do inside their scratch folder";
        };
    }

    /** The one line a check reports when this platform lacks what it measures with. */
    public NotApplicable lacks(String what, String needs) {
        return new NotApplicable(what + " needs " + needs + "; not measured on " + name);
    }
}
