#!/usr/bin/env bash
# The GPU benchmarks on a machine with a real GPU and no toolchain (the README's H100 figures came from
# it): `prepare` here builds the bench binaries into .devbench/ and fetches the Vulkan loader's .debs
# into .gl/ (both ignored by git); `run` there unpacks the loader and prints the markdown tables of
# cargo bench (gemm, training) and of benches/pytorch_reference.py, and copies them to $OUT if set.
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
prepare)
  cargo bench --no-run 2>&1 | tail -1
  mkdir -p .devbench .gl
  for bench in gemm training; do
    cp "$(ls -t target/release/deps/$bench-* | grep -v '\.d$' | head -n 1)" ".devbench/$bench"
  done
  if ! compgen -G ".gl/libvulkan1_*.deb" >/dev/null; then
    lists=$(mktemp -d)
    mkdir -p "$lists/partial"
    o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 "-oDir::State::Lists=$lists")
    apt-get "${o[@]}" update >/dev/null
    (cd .gl && apt-get "${o[@]}" download libvulkan1)
  fi
  ls -la .devbench .gl
  ;;
run)
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
  icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  [ -f "$icd" ] && export VK_DRIVER_FILES=$icd
  out=${OUT:-/tmp}
  nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,power.limit --format=csv | tee "$out/gpu.csv"
  lscpu | grep -E '^Model name|^CPU\(s\)' | tee -a "$out/gpu.csv"
  .devbench/gemm | tee "$out/gemm.md"
  .devbench/training | tee "$out/training.md"
  PYTHONUNBUFFERED=1 python3 benches/pytorch_reference.py | tee "$out/pytorch.md"
  ;;
*)
  echo "usage: scripts/bench-gpu-machine.sh prepare|run" >&2
  exit 2
  ;;
esac
