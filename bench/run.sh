#!/usr/bin/env bash
# Runs every benchmark (or the one group named as argument) once, in release mode, and prints the table of figures and ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
# The cli group times the release `chargebee` binary.
if [ $# -eq 0 ] || [ "$1" = cli ]; then
  cargo build --quiet --release -p chargebee-cli
fi
cargo run --quiet --release -p chargebee-bench -- "$@"
