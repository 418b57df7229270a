#!/usr/bin/env bash
# npm test: set up what is missing, check formatting and clippy (native and wasm32, warnings as
# errors), build, then every test — native (GPU tests on Mesa's lavapipe),
# wasm-bindgen-test in headless Chromium on WebGPU, and browser end-to-end tests (Chromium; a cross-engine
# subset in Firefox ESR and WebKit too) with the docs' checks, which run last so
# that their closing line is the one CI reads.
source "$(dirname "$0")/lib.sh"
bash scripts/setup.sh --test
step "formatting and clippy (npm run lint)"
AE_SETUP_DONE=1 bash scripts/lint.sh
AE_SETUP_DONE=1 bash scripts/build.sh

# lavapipe for native wgpu; a private runtime dir keeps Mesa's window-system probing quiet.
VK_ICD_FILENAMES=$(compgen -G "/usr/share/vulkan/icd.d/lvp_icd.*.json" | head -n 1)
export VK_ICD_FILENAMES WGPU_BACKEND=vulkan
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"

step "native tests (cargo test; the PyTorch hand-off's with $AE_TORCH_ENV)"
AE_TORCH_PYTHON="$AE_TORCH_ENV/bin/python" cargo test

step "browser tests (wasm-bindgen-test in headless Chromium)"
CHROMEDRIVER=$(command -v chromedriver) WASM_BINDGEN_TEST_TIMEOUT=180 \
  cargo test --target wasm32-unknown-unknown --test browser -- --nocapture

step "end-to-end tests (playwright-core, node --test), and the docs' layout table and links"
# (no test may take over 10 minutes: a browser that hangs fails its test instead of the whole run)
node --test --test-reporter=spec --test-timeout=600000 tests/docs.test.mjs tests/e2e/*.test.mjs
