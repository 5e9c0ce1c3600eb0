#!/usr/bin/env bash
# Measures what the generated API costs to compile, and how big it is:
#   - a clean `cargo build --release -p chargebee --features full` (dependencies included),
#   - a rebuild after touching one generated file (the crate alone, all features),
#   - the crate alone with its default features, and with customer + subscription only,
#   - the generated line count.
# Uses its own target directory so the workspace's build is left alone. Run it on an idle
# machine: anything else compiling at the same time inflates the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${MEASURE_TARGET_DIR:-target/measure-build}
rm -rf "$CARGO_TARGET_DIR"

seconds() {
    local start=$(date +%s%N)
    cargo build --quiet --release -p chargebee "$@"
    echo $(( ($(date +%s%N) - start) / 1000000000 ))
}

clean=$(seconds --features full)
touch client/src/generated/customer.rs
touched=$(seconds --features full)
touch client/src/lib.rs
default=$(seconds)
touch client/src/lib.rs
small=$(seconds --no-default-features --features customer,subscription)

printf 'clean release build, all features, dependencies included: %4d s\n' "$clean"
printf 'rebuild after touching customer.rs, all features:         %4d s\n' "$touched"
printf 'rebuild of the crate, default features:                    %4d s\n' "$default"
printf 'rebuild of the crate, customer + subscription only:        %4d s\n' "$small"
printf 'generated code: %s lines in %s files\n' "$(cat client/src/generated/*.rs | wc -l)" "$(ls client/src/generated/*.rs | wc -l)"
