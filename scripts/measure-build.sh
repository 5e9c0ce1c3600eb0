#!/usr/bin/env bash
# Measures what the full generated API costs to compile and how big it is:
#   - a clean `cargo build --release -p chargebee` (dependencies included),
#   - an incremental rebuild after touching one generated file,
#   - the generated line count.
# Uses its own target directory so the workspace's build is left alone.
# Run it on an idle machine: anything else compiling at the same time inflates the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${MEASURE_TARGET_DIR:-target/measure-build}
rm -rf "$target"
export CARGO_TARGET_DIR="$target"

start=$(date +%s%N)
cargo build --quiet --release -p chargebee
clean=$(( ($(date +%s%N) - start) / 1000000 ))

touch client/src/generated/customer.rs
start=$(date +%s%N)
cargo build --quiet --release -p chargebee
incremental=$(( ($(date +%s%N) - start) / 1000000 ))

lines=$(cat client/src/generated/*.rs | wc -l)
files=$(ls client/src/generated/*.rs | wc -l)
rlib=$(ls -l "$target"/release/libchargebee.rlib | awk '{print $5}')
printf 'clean release build (with dependencies): %s ms\n' "$clean"
printf 'rebuild after touching customer.rs:      %s ms\n' "$incremental"
printf 'generated code: %s lines in %s files; libchargebee.rlib %s bytes\n' "$lines" "$files" "$rlib"
