#!/usr/bin/env bash
# Runs every benchmark once, in release mode, and prints the table of figures and ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet --release -p chargebee-bench
