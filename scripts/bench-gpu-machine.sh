#!/usr/bin/env bash
# The GPU benchmarks on a machine with a real GPU and no toolchain (docs/performance.md's H100 figures came from
# it): `prepare` here builds the bench binaries into .devbench/ and fetches the Vulkan loader's .debs
# into .gl/ (both ignored by git); `run` there unpacks the loader and prints the markdown tables of
# cargo bench (gemm, training) and of benches/pytorch_reference.py, and copies them to $OUT if set.
# The bench page needs a browser, and the GPU machine has none and no network: `prepare-chromium`
# here packs this machine's Chromium with the libraries it links into .chr/part-* (under 60 MB each,
# what one call can carry); each part is carried over in its own call and kept in $CHR_STORE there
# (default /tmp/chr-store), and `chromium` there unpacks them and runs
# scripts/bench-page-gpu-machine.py on the built site (dist/, carried too). `prepare-pytorch` here writes
# the Export for PyTorch of a deep MNIST autoencoder and the data as IDX into .devbench/mnist; `pytorch`
# there trains it on with train.py under torchrun on the GPU (NCCL), then on the CPU for comparison.
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
prepare)
  cargo bench --no-run 2>&1 | tail -1
  mkdir -p .devbench .gl
  for bench in gemm training; do
    cp "$(ls -t target/release/deps/$bench-* | grep -v '\.d$' | head -n 1)" ".devbench/$bench"
  done
  if ! compgen -G ".gl/libglvnd0_*.deb" >/dev/null; then
    lists=$(mktemp -d)
    mkdir -p "$lists/partial"
    o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 "-oDir::State::Lists=$lists")
    apt-get "${o[@]}" update >/dev/null
    # The NVIDIA driver's Vulkan ICD needs libglvnd's EGL and GLX libraries beside the loader.
    (cd .gl && apt-get "${o[@]}" download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
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
prepare-pytorch)
  cargo run --release --example export_pytorch -- mnist 1000,500,250,30 200 .devbench/mnist
  ;;
pytorch)
  out=${OUT:-/tmp}
  work=$(mktemp -d)
  python3 -c "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])" .devbench/mnist/export.zip "$work"
  data=(--data .devbench/mnist/images-idx3-ubyte --data .devbench/mnist/labels-idx1-ubyte)
  python3 -c "import torch; print('torch', torch.__version__, torch.cuda.get_device_name(0))" | tee "$out/pytorch-gpu.log"
  PYTHONUNBUFFERED=1 torchrun --standalone --nproc_per_node=1 "$work/train.py" "${data[@]}" --epochs 5 --out "$work/run" 2>&1 | tee -a "$out/pytorch-gpu.log"
  python3 -c "import sys; sys.path.insert(0, sys.argv[1]); from model import load; load(sys.argv[1] + '/run/model.safetensors'); print('the checkpoint loads')" "$work" | tee -a "$out/pytorch-gpu.log"
  cp "$work/run/model.safetensors" "$out/gpu-checkpoint.safetensors"
  echo "on the CPU ($(nproc) cores), for comparison:" | tee -a "$out/pytorch-gpu.log"
  CUDA_VISIBLE_DEVICES= PYTHONUNBUFFERED=1 python3 "$work/train.py" "${data[@]}" --epochs 2 --out "$work/cpu" 2>&1 | tee -a "$out/pytorch-gpu.log"
  ;;
*)
  echo "usage: scripts/bench-gpu-machine.sh prepare|run|prepare-chromium|chromium|prepare-pytorch|pytorch" >&2
  exit 2
  ;;
esac
