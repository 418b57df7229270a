#!/usr/bin/env bash
# The GPU benchmarks on a machine with a real GPU and no toolchain (the README's H100 figures came from
# it): `prepare` here builds the bench binaries into .devbench/ and fetches the Vulkan loader's .debs
# into .gl/ (both ignored by git); `run` there unpacks the loader and prints the markdown tables of
# cargo bench (gemm, training) and of benches/pytorch_reference.py, and copies them to $OUT if set.
# The bench page needs a browser, and the GPU machine has none and no network: `prepare-chromium`
# here packs this machine's Chromium with the libraries it links into .chr/part-* (under 60 MB each,
# what one call can carry); each part is carried over in its own call and kept in $CHR_STORE there
# (default /tmp/chr-store), and `chromium` there unpacks them and runs
# scripts/bench-page-gpu-machine.py on the built site (dist/, carried too).
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
prepare-chromium)
  bundle=$(mktemp -d)/chrbundle
  mkdir -p "$bundle/lib" "$bundle/chromium/locales" .chr
  (cd /usr/lib/chromium && cp -a chrome_100_percent.pak chrome_200_percent.pak chrome_crashpad_handler chromium \
    icudtl.dat libEGL.so libGLESv2.so libvk_swiftshader.so libvulkan.so.1 resources.pak snapshot_blob.bin \
    v8_context_snapshot.bin vk_swiftshader_icd.json "$bundle/chromium/" && cp locales/en-US.pak "$bundle/chromium/locales/")
  # Every library it links but the C library's own, which the GPU machine has in a newer version.
  ldd /usr/lib/chromium/chromium | awk '$3 ~ /^\// {print $3}' |
    grep -v -E '/(libc|libm|libdl|libpthread|librt)\.so' | xargs -I{} cp -L {} "$bundle/lib/"
  rm -f .chr/part-*
  tar -C "$(dirname "$bundle")" -cf - chrbundle | xz -9 -T2 | split -b 60M - .chr/part-
  ls -la .chr
  ;;
chromium)
  store=${CHR_STORE:-/tmp/chr-store}
  rm -rf /tmp/chrbundle
  cat "$store"/part-* | xz -d | tar -C /tmp -xf -
  icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  [ -f "$icd" ] && export VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd VK_LOADER_DEBUG=error,warn
  LD_LIBRARY_PATH=/tmp/chrbundle/lib python3 scripts/bench-page-gpu-machine.py /tmp/chrbundle/chromium/chromium dist "${OUT:-/tmp}"
  ;;
*)
  echo "usage: scripts/bench-gpu-machine.sh prepare|run|prepare-chromium|chromium" >&2
  exit 2
  ;;
esac
