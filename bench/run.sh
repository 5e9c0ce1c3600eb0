#!/usr/bin/env bash
# Runs every benchmark (or the one group named as argument) once, in release mode, and prints the table of figures and ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
# The cli group times the `chargebee` binary as handed out: the `dist` profile.
if [ $# -eq 0 ] || [ "$1" = cli ]; then
  cargo build --quiet --profile dist -p chargebee-cli
fi
cargo run --quiet --release -p chargebee-bench -- "$@"
