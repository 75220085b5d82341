#!/usr/bin/env bash
# Shows a learner's server next to the reference solution, word by word, only where they differ.
#
#   grader/compare-with-solution.sh PATH
#
# PATH is what a learner handed in: a folder or a zip holding a copy of the kit, a module
# folder, src/main/java or loose .java files (found the same way as for grading). Starter and
# solution differ only at the TODO(task N) markers (the kit's drift test keeps it so), so for a
# learner who worked at the markers this shows just the lesson's work, fitted to 100 columns.
set -euo pipefail
kit="$(cd "$(dirname "$0")/.." && pwd)"
jar="$kit/grader/target/grader.jar"
if [ ! -f "$jar" ]; then
  echo "grader.jar is not built yet: run ./mvnw -B -q package -DskipTests first" >&2
  exit 2
fi
exec java -jar "$jar" compare --kit "$kit" "$@"
