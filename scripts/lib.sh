# Shared by the scripts: strict mode, the repository root, cargo's bin on PATH, a step banner, where
# the PyTorch environment lives (outside the clone, so that every clone and CI run shares it), and the
# nightly toolchain the threaded wasm module is built with (pinned by date).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
export AE_TORCH_ENV="${AE_TORCH_ENV:-$HOME/.cache/ae-playground/torch}"
export AE_NIGHTLY="${AE_NIGHTLY:-nightly-2026-05-20}"
