package dev.echokit.grader.flood;

import dev.echokit.grader.ProcFs;

/** Open file descriptors and resident memory of a process (-1 where they cannot be read). */
record ProcessStats(int descriptors, long residentKib) {

    static ProcessStats of(long pid) {
        return new ProcessStats(ProcFs.openDescriptors(pid).orElse(-1), ProcFs.residentKib(pid).orElse(-1));
    }
}
