// Uploaded files streamed into the engine a piece at a time and gunzipped there, so that the page never
// holds a whole file beside its unpacked copy: Fashion-MNIST's 26 MB of gzip costs its 47 MB of pixels.
import { UploadReader } from '../worker/engine.js';

// Deflate unpacks to at most about 1,032 times its size: a gzip trailer claiming more is not believed.
const MAX_RATIO = 1032;

/** The bytes `blob` holds unpacked, and whether it is gzip (whose last four bytes give that size). */
async function sizeOf(blob) {
  const head = new Uint8Array(await blob.slice(0, 2).arrayBuffer());
  const gzip = head[0] === 0x1f && head[1] === 0x8b && blob.size >= 18;
  if (!gzip) return { gzip, size: blob.size };
  const claimed = new DataView(await blob.slice(-4).arrayBuffer()).getUint32(0, true);
  return { gzip, size: Math.min(claimed, blob.size * MAX_RATIO) };
}

/** The engine's dataset (a `Data`) in `files` ([{name, blob}]), read with the engine's upload options. */
export async function readFiles(files, options) {
  const reader = new UploadReader();
  try {
    for (const { name, blob } of files) {
      const { gzip, size } = await sizeOf(blob);
      reader.begin(name, gzip, size);
      const stream = blob.stream().getReader();
      for (;;) {
        let piece;
        try {
          piece = await stream.read();
        } catch (e) {
          throw new Error(`${name}: the file could not be read (${e.message ?? e})`);
        }
        if (piece.done) break;
        reader.push(piece.value);
      }
    }
  } catch (e) {
    reader.free();
    throw e;
  }
  return reader.finish(options);
}
