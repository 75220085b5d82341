package dev.echokit.grader.flood;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Open file descriptors and resident memory of a process, read from /proc (Linux). */
record ProcessStats(int descriptors, long residentKib) {

    static ProcessStats of(long pid) {
        try {
            int fds;
            try (var list = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
                fds = (int) list.count();
            }
            long rss = -1;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("\\D+", ""));
                }
            }
            return new ProcessStats(fds, rss);
        } catch (IOException | RuntimeException e) {
            return new ProcessStats(-1, -1);
        }
    }
}
