#!/usr/bin/env bash
# Runs every benchmark (or the one group named as argument) once, in release mode, and prints the table of figures and ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet --release -p chargebee-bench -- "$@"
