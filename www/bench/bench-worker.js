// The benchmark worker: CPU and WebGPU matrix products, then whole training steps of the default net
// (784-32-784, batch 64), the deep net (784-1000-500-250-30, batch 256) and the convolutional
// autoencoder (16 and 32 filters, code 32, batch 64) on each engine.
import init, { Gpu, benchConvTrainingCpu, benchConvTrainingGpu, benchMatmul, benchGpuMatmul, benchTrainingCpu, benchTrainingGpu } from '../../pkg-bench/ae_playground.js';

const post = (message) => self.postMessage(message);
const row = (what, engine, size, result) => post({ type: 'row', row: { what, engine, size, result } });

self.onmessage = async ({ data: { quick } }) => {
  try {
    await init();
    const seconds = quick ? 0.2 : 2;
    let gpu = await Gpu.find();
    if (gpu.failure) {
      row('WebGPU', '–', '–', `none: ${gpu.failure}`);
      gpu = null;
    }
    const gpuName = gpu ? `WebGPU: ${gpu.adapter}` : null;
    for (const size of quick ? [256] : [256, 512]) {
      post({ type: 'status', text: `CPU matmul ${size}³…` });
      for (const product of ['ab', 'atb', 'abt']) row(`matmul ${product}`, 'CPU (wasm SIMD128)', `${size}³`, `${benchMatmul(size, product, seconds / 4).toFixed(1)} GFLOPS`);
    }
    if (gpu) {
      const sizes = quick ? [256] : [256, 512, 1024, 2048, 4096].filter((n) => !gpu.software || n <= 1024);
      for (const n of sizes) {
        post({ type: 'status', text: `WebGPU matmul ${n}³…` });
        row('matmul ab', gpuName, `${n}³`, `${(await benchGpuMatmul(gpu, n, seconds / 3)).toFixed(1)} GFLOPS`);
      }
    }
    const nets = [
      { name: '784-32-784', hidden: [32], batch: 64 },
      { name: '784-1000-500-250-30-…', hidden: [1000, 500, 250, 30], batch: 256 },
    ];
    for (const net of quick ? nets.slice(0, 1) : nets) {
      post({ type: 'status', text: `training ${net.name}…` });
      row(`training ${net.name}`, 'CPU (wasm SIMD128)', `batch ${net.batch}`, `${Math.round(benchTrainingCpu(new Uint32Array(net.hidden), net.batch, seconds))} samples/s`);
      if (gpu) row(`training ${net.name}`, gpuName, `batch ${net.batch}`, `${Math.round(await benchTrainingGpu(gpu, new Uint32Array(net.hidden), net.batch, seconds))} samples/s`);
    }
    // The convolutional autoencoder of F10: 16 and 32 filters (3×3, stride 2), code 32, batch 64.
    post({ type: 'status', text: 'training the conv AE…' });
    const conv = 'training conv 16-32 (3×3, stride 2), code 32';
    row(conv, 'CPU (wasm SIMD128)', 'batch 64', `${Math.round(benchConvTrainingCpu(64, seconds))} samples/s`);
    if (gpu) row(conv, gpuName, 'batch 64', `${Math.round(await benchConvTrainingGpu(gpu, 64, seconds))} samples/s`);
    if (gpu?.software) row('note', gpuName, '–', 'a software adapter: WebGPU figures check the path, not GPU speed');
    post({ type: 'status', text: 'done' });
    post({ type: 'done' });
  } catch (e) {
    post({ type: 'error', message: e.message ?? String(e) });
  }
};
