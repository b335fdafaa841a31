#!/usr/bin/env bash
# The test steps .ci/run and .github/workflows/ci.yml have in common, with their CI settings: both call this script,
# so the two cannot drift. Each caller prepares what a step needs first (Chromium, Postgres and its replica, Redis
# through the Upstash bridge, nginx, the environment) and reports the steps in its own way.
#
#   scripts/ci/steps.sh <step>...         run these steps in turn (stops at the first failure)
#   scripts/ci/steps.sh list <group>      the steps of a group, in order: zero-setup | real-services
#
# The full runs of the load and fault proofs (longer settings than CI's) are in the README.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

ZERO_SETUP_STEPS=(npm-test js-budget)
REAL_SERVICES_STEPS=(suites memory cluster faults scale previous-release)

run_step() {
  case "$1" in
    # Zero-setup (PGlite, no configuration): lint, typecheck, unit and e2e suites, then the JavaScript budgets on the
    # build the e2e run left.
    npm-test) npm test ;;
    js-budget) npm run bench:js ;;
    # On the real services. The suites only: lint and typecheck read the source, which npm-test already checked. The
    # e2e run starts the build npm-test left (the build reads no configuration) and leaves out the specs that start
    # embedded servers of their own (they ran in npm-test, the same).
    suites)
      npm run test:unit
      E2E_REUSE_BUILD=1 E2E_EMBEDDED_SPECS_RAN=1 npm run test:e2e
      ;;
    # A steady signed-in load with the Upstash adapter: fails when the live heap or RSS still grows after the warm-up.
    memory) npm run bench:memory -- --rounds 4 --seconds 10 ;;
    # Three instances behind nginx: shared state, a rolling deploy and a blue-green switch under load (the full run
    # loads each deploy phase for at least 60 s).
    cluster) npm run bench:cluster -- --seconds 10 ;;
    # The same cluster on a Postgres of its own: SMTP, Inngest and Postgres failing under load, a SIGKILL. Each fault
    # lasts 12 s (the full run: 30 s); it must outlast the app's 10 s SMTP timeout.
    faults) npm run bench:faults -- --fault-seconds 12 ;;
    # A small and a big organization: each page's p95 at the big size within 1.3x of the small one. Shorter bursts and
    # a smaller import than the full run (3 s bursts, 100,000 rows): about 6 minutes instead of 9.
    scale) npm run bench:scale -- --tasks 200000 --activity 1000000 --seconds 2 --import-rows 30000 ;;
    # The release before the newest migration, built beside this one, smoke-tested on this commit's schema.
    previous-release) npm run test:previous-release ;;
    *)
      echo "unknown step: $1 (steps: ${ZERO_SETUP_STEPS[*]} ${REAL_SERVICES_STEPS[*]})" >&2
      return 2
      ;;
  esac
}

if [[ "${1:-}" == list ]]; then
  case "${2:-}" in
    zero-setup) printf '%s\n' "${ZERO_SETUP_STEPS[@]}" ;;
    real-services) printf '%s\n' "${REAL_SERVICES_STEPS[@]}" ;;
    *) echo "usage: $0 list zero-setup|real-services" >&2; exit 2 ;;
  esac
  exit 0
fi
[[ $# -gt 0 ]] || { echo "usage: $0 <step>... | list <group>" >&2; exit 2; }
for step in "$@"; do
  echo "--- scripts/ci/steps.sh: $step"
  run_step "$step"
done
