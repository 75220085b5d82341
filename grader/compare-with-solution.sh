#!/usr/bin/env bash
# Shows a learner's server next to the reference solution, side by side, only where they differ.
#
#   grader/compare-with-solution.sh PATH
#
# PATH is a copy of the kit, a module folder, or a folder with src/main/java (as in classroom
# mode). Starter and solution differ only at the TODO(task N) markers (the kit's drift test
# keeps it so), so for a learner who worked at the markers this shows just the lesson's work:
# the learner's lines on the left, the solution's on the right.
set -euo pipefail

kit="$(cd "$(dirname "$0")/.." && pwd)"
if [ $# -ne 1 ] || [ ! -d "$1" ]; then
  echo "usage: grader/compare-with-solution.sh PATH-TO-SUBMISSION" >&2
  exit 2
fi
sub="$(cd "$1" && pwd)"
for candidate in "$sub/lesson-starter/src/main/java" "$sub/src/main/java" "$sub"; do
  if [ -d "$candidate/dev/echokit/server" ]; then
    learner="$candidate"
    break
  fi
done
if [ -z "${learner:-}" ]; then
  echo "no dev/echokit/server sources under $sub" >&2
  exit 2
fi
solution="$kit/lesson-solution/src/main/java"
width="${COLUMNS:-170}"

echo "learner:  $learner"
echo "solution: $solution"
status=0
while IFS= read -r file; do
  rel="${file#"$solution"/}"
  echo
  echo "=== $rel   (left: learner, right: solution)"
  if [ ! -f "$learner/$rel" ]; then
    echo "    missing in the submission"
    status=1
    continue
  fi
  # Only the lines that differ, with their line numbers in the learner's file for reference.
  if diff -q "$learner/$rel" "$file" >/dev/null; then
    echo "    same as the solution"
  else
    diff --side-by-side --suppress-common-lines --expand-tabs --width="$width" "$learner/$rel" "$file" || true
    status=1
  fi
done < <(find "$solution" -name '*.java' | sort)
exit "$status"
