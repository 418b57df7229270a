#!/usr/bin/env bash
# Installs only what is missing. Always: the wasm32 target (and the pinned nightly with rust-src and
# its wasm32 target, for the threaded module), the wasm-bindgen CLI at the version
# Cargo.toml pins, the npm packages. With --browser also Chromium (the benchmarks and measurements
# drive it); with --lint clippy and rustfmt; with --test Chromium, chromedriver, Firefox ESR, WebKitGTK's
# WebKitWebDriver and Xvfb, Mesa's lavapipe (software Vulkan) and clippy and
# rustfmt, through apt or rustup when run as root, otherwise it says what to install; a Python
# virtual environment (.venv) with numpy and safetensors for the check of exported models; and one
# with PyTorch ($AE_TORCH_ENV, under ~/.cache: 5.5 GB, made once per machine) for the hand-off's tests.
source "$(dirname "$0")/lib.sh"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The threaded module's toolchain: nightly (wasm atomics need std rebuilt, -Z build-std), pinned by date.
if ! rustup run "$AE_NIGHTLY" rustc --version >/dev/null 2>&1 || ! rustup +"$AE_NIGHTLY" component list --installed 2>/dev/null | grep -q '^rust-src' \
  || ! rustup +"$AE_NIGHTLY" target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  step "installing the $AE_NIGHTLY toolchain with rust-src and the wasm32 target (about 25 s, once)"
  rustup toolchain install "$AE_NIGHTLY" --profile minimal --target wasm32-unknown-unknown --component rust-src
fi

pinned=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' Cargo.toml)
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $pinned" ]; then
  step "installing wasm-bindgen-cli $pinned (about 2 minutes, once)"
  # No --locked: its lock file pins a crate version the registry here does not have.
  cargo install wasm-bindgen-cli --version "$pinned"
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "installing npm packages"
  npm ci --no-audit --no-fund
fi

missing=()
case "${1:-}" in
  --browser) command -v chromium >/dev/null || missing+=(chromium) ;;
  --test)
    command -v chromium >/dev/null || missing+=(chromium)
    command -v chromedriver >/dev/null || missing+=(chromium-driver)
    # The other engines of the cross-engine tests: Firefox ESR, and WebKitGTK's driver and
    # MiniBrowser on a virtual display.
    command -v firefox-esr >/dev/null || missing+=(firefox-esr)
    command -v WebKitWebDriver >/dev/null || missing+=(webkit2gtk-driver)
    command -v Xvfb >/dev/null || missing+=(xvfb)
    compgen -G "/usr/share/vulkan/icd.d/lvp_icd.*.json" >/dev/null || missing+=(mesa-vulkan-drivers libvulkan1)
    python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
    ;;
esac
if [ "${1:-}" = "--test" ] || [ "${1:-}" = "--lint" ]; then
  for part in clippy rustfmt; do
    rustup component list --installed | grep -q "^$part" || { step "adding $part"; rustup component add "$part"; }
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    step "installing ${missing[*]} with apt"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
  else
    echo "This needs: ${missing[*]}. Install them with:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

if [ "${1:-}" = "--test" ] && { [ ! -x .venv/bin/python ] || [ tests/python/requirements.txt -nt .venv/installed ]; }; then
  step "installing numpy and safetensors into .venv"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r tests/python/requirements.txt
  touch .venv/installed
fi

# Compared by contents, not dates: a fresh clone's files are all new, and must not reinstall 5.5 GB.
# A lock, since clones on one machine share the environment.
torch_ready() { cmp -s tests/python/requirements-torch.txt "$AE_TORCH_ENV/installed" && "$AE_TORCH_ENV/bin/python" -c 'import torch' 2>/dev/null; }
if [ "${1:-}" = "--test" ] && ! torch_ready; then
  mkdir -p "$(dirname "$AE_TORCH_ENV")"
  exec 9>"$AE_TORCH_ENV.lock"
  flock 9
  if ! torch_ready; then
    step "installing PyTorch into $AE_TORCH_ENV (about 90 s and 5.5 GB, once for every clone)"
    rm -f "$AE_TORCH_ENV/installed"
    python3 -m venv "$AE_TORCH_ENV"
    "$AE_TORCH_ENV/bin/pip" install --quiet --disable-pip-version-check -r tests/python/requirements-torch.txt
    cp tests/python/requirements-torch.txt "$AE_TORCH_ENV/installed"
  fi
  exec 9>&-
fi
