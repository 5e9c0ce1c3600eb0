#!/usr/bin/env bash
# Measures what the generated API costs a user to compile, against a baseline built in the
# same run: a one-line user binary built clean in release mode (dependencies included), with
#   - `chargebee`, feature `full`;
#   - `chargebee`, default features;
#   - `chargebee`, customer + subscription only (no default features, so no HTTP/2), then the
#     same calling ten operations;
#   - chargebee's dependencies alone (the floor of any chargebee build);
#   - the baseline: async-stripe 1.0.0-rc.10 core + billing, every feature, with its hyper
#     client on rustls with ring and webpki roots, as reqwest's `rustls-tls` is (fetched from
#     crates.io).
# For each: wall time, CPU time, and the peak memory of the largest compiler process. Then the
# ratios to the baseline, and the generated line count.
#
# Each build has a target directory of its own under target/measure-build, so the
# workspace's build is left alone. The builds run one after the other: run this on an idle
# machine, as anything else compiling at the same time inflates the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
root=${MEASURE_TARGET_DIR:-$repo/target/measure-build}
rm -rf "$root"
mkdir -p "$root"
if [ ! -x /usr/bin/time ]; then
  echo "measure-build: needs GNU time (Debian: apt-get install time)" >&2
  exit 1
fi

# A user project: `name`, its dependency lines, and its main function.
project() {
  local dir=$root/$1
  mkdir -p "$dir/src"
  cat >"$dir/Cargo.toml" <<EOF
[package]
name = "$1"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
$2

[workspace]
EOF
  echo "$3" >"$dir/src/main.rs"
}

chargebee() {
  project "$1" "chargebee = { path = \"$repo/client\", $2 }" \
    'fn main() { println!("{:?}", chargebee::Client::builder().maton_api_key("k").build().is_ok()); }'
}
chargebee user-full 'features = ["full"]'
chargebee user-default 'features = []'
chargebee user-small 'default-features = false, features = ["customer", "subscription"]'
# The same features, calling ten operations: the decoders of what a crate calls are compiled
# in that crate, so this row shows what using operations adds.
project user-calls "chargebee = { path = \"$repo/client\", default-features = false, features = [\"customer\", \"subscription\"] }
tokio = { version = \"1\", features = [\"rt\"] }" '
async fn calls(c: chargebee::Client) -> Result<(), chargebee::Error> {
    c.customers().create().email("ada@example.com").send().await?;
    c.customers().retrieve("c_1").send().await?;
    c.customers().update("c_1").send().await?;
    c.customers().list().send().await?;
    c.customers().delete("c_1").send().await?;
    c.subscriptions().create_with_items("c_1").send().await?;
    c.subscriptions().retrieve("s_1").send().await?;
    c.subscriptions().update_for_items("s_1").send().await?;
    c.subscriptions().list().send().await?;
    c.subscriptions().cancel_for_items("s_1").send().await?;
    Ok(())
}
fn main() {
    let client = chargebee::Client::builder().maton_api_key("k").build().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    println!("{:?}", runtime.block_on(calls(client)).is_ok());
}'
# The floor: chargebee's own dependencies, with the features a build without chargebee's
# default features (no `http2`) gives them, and no chargebee.
project user-deps 'reqwest = { version = "0.12", default-features = false, features = ["rustls-tls"] }
tokio = { version = "1", features = ["time"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
serde_path_to_error = "0.1"
futures = "0.3"
thiserror = "2"
tracing = { version = "0.1", default-features = false, features = ["std"] }
percent-encoding = "2"
form_urlencoded = "1"
url = "2"
uuid = { version = "1", features = ["v4"] }
httpdate = "1"
fastrand = "2"
base64 = "0.22"
bytes = "1"' \
  'fn main() { println!("{}", reqwest::Client::new().get("http://127.0.0.1").build().is_ok()); }'
project user-stripe 'async-stripe = { version = "=1.0.0-rc.10", default-features = false, features = ["rustls-ring", "rustls-tls-webpki-roots"] }
async-stripe-core = { version = "=1.0.0-rc.10", features = ["full", "deserialize", "serialize", "redact-generated-debug"] }
async-stripe-billing = { version = "=1.0.0-rc.10", features = ["full", "deserialize", "serialize", "redact-generated-debug"] }' \
  'use stripe_billing as _; use stripe_core as _; fn main() { println!("{}", std::mem::size_of_val(&stripe::Client::new("sk_test"))); }'

# Fetch first, so no download is timed.
for p in user-full user-default user-small user-calls user-deps user-stripe; do
  cargo fetch --quiet --manifest-path "$root/$p/Cargo.toml"
done

declare -A wall cpu peak
for p in user-stripe user-full user-default user-small user-calls user-deps; do
  stats=$root/$p.time
  CARGO_TARGET_DIR=$root/$p/target /usr/bin/time -f '%e %U %S %M' -o "$stats" \
    cargo build --quiet --release --manifest-path "$root/$p/Cargo.toml"
  read -r e u s m <"$stats"
  wall[$p]=$e
  cpu[$p]=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.1f", u + s }')
  peak[$p]=$(awk -v m="$m" 'BEGIN { printf "%.2f", m / 1048576 }')
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
printf '%-34s %9s %9s %12s %12s\n' build wall CPU 'peak rustc' 'wall ratio'
for p in user-stripe user-full user-default user-small user-calls user-deps; do
  case $p in
    user-stripe) label='async-stripe core+billing (base)' ;;
    user-full) label='chargebee, full' ;;
    user-default) label='chargebee, default' ;;
    user-small) label='chargebee, customer+subscription' ;;
    user-calls) label='  the same, calling 10 operations' ;;
    user-deps) label="chargebee's dependencies alone" ;;
  esac
  printf '%-34s %8ss %8ss %9s GiB %11sx\n' "$label" "${wall[$p]}" "${cpu[$p]}" "${peak[$p]}" \
    "$(ratio "${wall[$p]}" "${wall[user-stripe]}")"
done
generated=(types/src/generated/*.rs params/src/generated/*.rs client/src/generated/*.rs)
printf 'generated code: %s lines in %s files\n' "$(cat "${generated[@]}" | wc -l)" "${#generated[@]}"
