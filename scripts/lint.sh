#!/usr/bin/env bash
# npm run lint: formatting and clippy, natively and for wasm32, with warnings as errors.
source "$(dirname "$0")/lib.sh"
[ "${AE_SETUP_DONE:-}" = 1 ] || bash scripts/setup.sh --lint
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
# The playground's module alone, then everything with the bench pages' harness (the benches need it).
cargo clippy --target wasm32-unknown-unknown --lib -- -D warnings
cargo clippy --target wasm32-unknown-unknown --all-targets --features bench -- -D warnings
