// Writes brotli (.br) and gzip (.gz) copies beside the text, wasm and data files of a built site, so
// that scripts/serve.mjs sends the smaller one a browser accepts (MNIST-10k: 7.9 MB → 1.3 MB brotli).
// Skips copies newer than their source. Usage: node scripts/compress.mjs <dir>
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import zlib from 'node:zlib';

const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.wasm', '.aepk', '.svg']);

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'tfjs') yield* files(path); // the bench page's TF.js need not load fast
    }
    else if (COMPRESSIBLE.has(extname(path)) && statSync(path).size >= 1024) yield path;
  }
}

const fresh = (copy, source) => {
  try {
    return statSync(copy).mtimeMs >= statSync(source).mtimeMs;
  } catch {
    return false;
  }
};

const [dir = 'dist'] = process.argv.slice(2);
let written = 0;
for (const path of files(dir)) {
  if (fresh(`${path}.br`, path) && fresh(`${path}.gz`, path)) continue;
  const body = readFileSync(path);
  const { BROTLI_PARAM_QUALITY, BROTLI_PARAM_LGWIN, BROTLI_PARAM_SIZE_HINT } = zlib.constants;
  const params = { [BROTLI_PARAM_QUALITY]: 11, [BROTLI_PARAM_LGWIN]: 24, [BROTLI_PARAM_SIZE_HINT]: body.length };
  writeFileSync(`${path}.br`, zlib.brotliCompressSync(body, { params }));
  writeFileSync(`${path}.gz`, zlib.gzipSync(body, { level: 9 }));
  written++;
}
console.log(`compressed copies: ${written} written, the rest up to date`);
