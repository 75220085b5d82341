#!/usr/bin/env python3
"""What one grading costs: wall time, CPU and server starts, median of N, for several setups side by side.

    grader/bench/grading.py --runs 5 --setup 'name=FLAGS' ... --target lesson-solution --target lesson-starter

Each setup is a name and the JVM flags the grader runs with (system properties included), or
"maven": the learner's own command, ./mvnw -q -o -pl grader test -Dgrader.target=T, from the kit. The
runs go round-robin (setup A, B, C, then A again ...) so that every setup sees the same machine.
Per run it records:
  - wall time;
  - process CPU: user + system time of the grader and every process it started, sandboxed
    servers included, from the kernel's process accounting (acct(2), as root): every process
    that exits writes a record with its pid, parent and CPU time; ours are the grader and its
    descendants by parent, plus the server processes the grader names (-Dechokit.stats: a
    killed sandbox's inner processes can outlive their parent, so their chain may be cut);
    other people's processes on the machine are not counted;
  - busy CPU of the whole machine over the run, from /proc/stat (includes whatever else runs);
  - the load average when it started, and the server starts the grader counted (-Dechokit.stats).
Prints a JSON object with every run and the medians. Nothing passes or fails on the figures.
"""
import argparse
import ctypes
import json
import os
import re
import statistics
import struct
import subprocess
import sys
import tempfile
import time


def machine_busy():
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / ticks


def load():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


libc = ctypes.CDLL(None, use_errno=True)


def comp_t(v):
    return (v & 0x1FFF) << (3 * (v >> 13))


def accounted(path, root, named):
    """CPU seconds of `root` and its descendants, and of the named processes and theirs, from acct v3 records."""
    data = open(path, "rb").read()
    records = {}
    for i in range(0, len(data) - 63, 64):
        r = struct.unpack("<BBHIIIIIIfHH", data[i:i + 36])
        if r[1] != 3:
            continue
        records[r[6]] = (r[7], (comp_t(r[10]) + comp_t(r[11])) / 100.0, data[i + 48:i + 64].rstrip(b"\0").decode(errors="replace"))
    ours = {root} | set(named)
    changed = True
    while changed:
        changed = False
        for pid, (ppid, _, _) in records.items():
            if pid not in ours and ppid in ours:
                ours.add(pid)
                changed = True
    by = {}
    for pid, (_, cpu, comm) in records.items():
        if pid in ours:
            kind = "grader" if pid == root else comm
            by[kind] = round(by.get(kind, 0) + cpu, 2)
    return sum(by.values()), by


def one(java, jar, flags, target, kit, extra=()):
    extra = list(extra)
    out = tempfile.mkdtemp(prefix="echokit-bench-")
    if target.startswith("classroom:"):  # a class: every folder in DIR is one learner's submission
        grading = ["classroom", target[len("classroom:"):], "--kit", kit, "--out", os.path.join(out, "results")]
    else:
        grading = ["--kit", kit, "--target", target, "--out", out] + extra
    command = [java] + flags + ["-Dechokit.stats=true", "-jar", jar] + grading
    if flags[:1] == ["maven"]:  # the learner's own command, from the kit's root: Maven, Surefire's fork, then the grader
        absolute = os.path.join(kit, target)
        groups = [f"-Dgroups={extra[extra.index('--groups') + 1]}"] if "--groups" in extra else []
        command = [os.path.join(kit, "mvnw"), "-q", "-o", "-B", "-pl", "grader", "test",
                   f"-Dgrader.target={absolute if os.path.exists(absolute) else target}", "-Dechokit.stats=true"] + groups
    before_load = load()
    busy0 = machine_busy()
    wall0 = time.monotonic()
    acct_file = os.path.join(out, "acct")
    open(acct_file, "wb").close()
    if libc.acct(acct_file.encode()) != 0:
        raise OSError(ctypes.get_errno(), "acct(2) needs root")
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=kit)
        stdout, stderr = process.communicate(timeout=600)
        wall = time.monotonic() - wall0
        busy = machine_busy() - busy0
        time.sleep(0.5)  # let killed servers' last processes exit and be written
    finally:
        libc.acct(None)
    stderr += stdout  # through Maven, the grader's standard error reaches Maven's output
    named = [int(p) for line in re.findall(r"echokit: server processes([ \d]*)", stderr) for p in line.split()]
    cpu, by = accounted(acct_file, process.pid, named)
    subprocess.run(["rm", "-rf", out])
    starts = [int(n) for n in re.findall(r"echokit: (\d+) server starts", stderr)]
    total = re.search(r"total\s+(\d+)/50", stdout)
    return {"wall": round(wall, 2), "cpu": round(cpu, 2), "busy": round(busy, 2), "load": before_load,
            "starts": sum(starts) if starts else None, "gradings": len(starts), "by": by,
            "xp": int(total.group(1)) if total else None, "exit": process.returncode}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--setup", action="append", required=True, help="name=space-separated JVM flags")
    parser.add_argument("--target", action="append", required=True)
    parser.add_argument("--kit", default=os.getcwd())
    parser.add_argument("--jar", default="grader/target/grader.jar")
    parser.add_argument("--java", default="java")
    parser.add_argument("--markdown", action="store_true", help="print a table of the medians instead of JSON")
    parser.add_argument("--grader-args", default="", help="grader arguments for the setups whose name starts with --")
    args = parser.parse_args()
    # A setup named "--groups X" also passes those grader arguments (see --grader-args).
    setups = [(s.split("=", 1)[0], s.split("=", 1)[1].split()) for s in args.setup]
    runs = {f"{t} | {name}": [] for t in args.target for name, _ in setups}
    for i in range(args.runs):
        for target in args.target:
            for name, flags in setups:
                r = one(args.java, args.jar, flags, target, args.kit, args.grader_args.split() if name.startswith("--") else ())
                runs[f"{target} | {name}"].append(r)
                print(f"bench: {target} | {name} run {i + 1}: {r}", file=sys.stderr)
    medians = {}
    for key, rs in runs.items():
        medians[key] = {k: statistics.median([r[k] for r in rs if r[k] is not None] or [0])
                        for k in ("wall", "cpu", "busy", "load", "starts", "gradings", "xp")}
    if args.markdown:
        print("| graded | setup | wall s | CPU s, grader + servers | CPU s, whole machine | server starts | XP | load at start |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for key, m in medians.items():
            target, name = key.split(" | ")
            rs = runs[key]
            spread = f" ({min(r['cpu'] for r in rs)}–{max(r['cpu'] for r in rs)})" if len(rs) > 1 else ""
            shown = "a class of " + str(int(m["gradings"])) if target.startswith("classroom:") else target
            xp = "" if target.startswith("classroom:") else int(m["xp"])
            print(f"| {shown} | {name} | {m['wall']:.1f} | {m['cpu']:.2f}{spread} | {m['busy']:.1f} | {int(m['starts'])} | {xp} | {m['load']:.1f} |")
    else:
        print(json.dumps({"runs": runs, "medians": medians}, indent=1))


if __name__ == "__main__":
    main()
