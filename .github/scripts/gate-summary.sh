#!/usr/bin/env bash
# gate-summary.sh DIR: prints the gate's Markdown verdict (DIR/gate.md) for a CI job summary, or,
# when the gate wrote none (it failed before deciding), a line saying so and the end of its log.
set -euo pipefail
dir=${1:?usage: gate-summary.sh GATE_OUTPUT_DIR}
if [ -s "$dir/gate.md" ]; then
  cat "$dir/gate.md"
else
  echo "## tp2 performance gate: no verdict"
  echo
  echo "The gate stopped before deciding; the end of \`$dir/gate.log\`:"
  echo
  echo '```'
  tail -n 20 "$dir/gate.log" 2>/dev/null || echo "(no gate.log either)"
  echo '```'
fi
