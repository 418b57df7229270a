#!/usr/bin/env bash
# npm run fuzz: runs every parser's fuzz target (fuzz/) for SECONDS each (default 30), one after the
# other, from seeds written by examples/fuzz_seeds.rs, and prints each run's executions and coverage.
# Inputs up to 64 KiB; a single allocation over 256 MiB or 2 GiB resident counts as a failure. A crash
# leaves its input in fuzz/artifacts/<target>/: add it to tests/fuzzed.rs as a regression test.
# `bash scripts/fuzz.sh 600 zip idx` runs ten minutes each of the targets named.
source "$(dirname "$0")/lib.sh"
seconds="${1:-30}"
shift || true
command -v cargo-fuzz >/dev/null || { step "installing cargo-fuzz (about a minute, once)"; cargo install cargo-fuzz; }
rustup toolchain list | grep -q '^nightly' || { step "installing the nightly toolchain"; rustup toolchain install nightly --profile minimal; }
cargo run --quiet --no-default-features --example fuzz_seeds
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(table npy idx packed model_file saved_run zip)
for t in "${targets[@]}"; do
  step "fuzzing $t for ${seconds}s"
  log="fuzz/artifacts/$t.log"
  mkdir -p "fuzz/artifacts/$t"
  cargo +nightly fuzz run "$t" "fuzz/corpus/$t" -- -max_total_time="$seconds" -max_len=65536 \
    -malloc_limit_mb=256 -rss_limit_mb=2048 -print_final_stats=1 2>&1 | tee "$log" | grep -E '^(#[0-9]+\s+DONE|Done|==|SUMMARY|stat::number_of_executed_units|stat::peak_rss_mb)' || true
  grep -q 'Done [0-9]* runs' "$log" || { echo "fuzz target $t failed: see $log" >&2; exit 1; }
done
