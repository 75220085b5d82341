#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu); the
# PrairieLearn image's Dockerfile (grader/src/prairielearn) runs it too, so both grade alike.
# The grader compiles each submission itself, so it needs a JDK 17 (javac), not only a JRE.
# Learner servers are untrusted and Gradescope grades as root: bubblewrap gives each one an
# allow-listed view of the machine, and util-linux's setpriv and prlimit run it as a user id of
# its own, within limits. Where the image refuses bubblewrap its namespaces, the grader still runs
# servers as their own users, and its output (visible to staff) says which it did.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends openjdk-17-jdk-headless bubblewrap util-linux
java -version
bwrap --version || true
# The graded servers' class-data archive (the JDK's and picocli's classes, parsed once): built here,
# in /var/cache/echokit, so that no submission's grading pays the second it takes. If it cannot be
# built, servers start without it (a third more CPU each) and the grading's output says so to staff.
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/grader.jar"
[ -f "$jar" ] || jar=/autograder/source/grader.jar
java -jar "$jar" cds || echo "setup.sh: servers will start without a class-data archive" >&2
