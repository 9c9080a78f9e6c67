#!/usr/bin/env bash
# The project's test command (`npm test`): installs the real components the
# integration tests need (scripts/setup-host.sh), then runs every unit and
# integration test of every package with vitest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-host.sh
exec npx vitest run "$@"
