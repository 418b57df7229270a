// A small static file server for dist/, bound to 127.0.0.1 only. Used by `npm start` and the tests.
// Sends a file's brotli or gzip copy (written by scripts/compress.mjs) when the browser accepts it.
// Usage: node scripts/serve.mjs <dir> [port]   (port 0 picks a free one)
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.aepk': 'application/octet-stream',
};

// Cross-origin isolation, so that the page may share wasm memory between threads (the threaded
// engine): documents open in their own browsing context group and load only what agrees to it. Every
// file says it may be loaded from anywhere (a course page loads www/embed.js; the playground sits in
// a course page's iframe). A page framed by one that is not isolated is not isolated either, and the
// engine then runs on one thread and says why.
export const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};
// What the playground's documents (the page, the example course page) may run: their own scripts and
// wasm (no eval), workers from themselves or from blobs (the thread pool's), their own data. Any page
// may frame them (no frame-ancestors: a blank page an LMS writes has no origin a list could name). The
// bench pages (TF.js) and other pages go without. A host of dist/ should send the same
// (docs/instructors.md).
// (and the training worker's scripts: a worker takes its policy from its own response, and it is the
// worker that compiles the wasm)
const governed = (path) => ['/index.html', '/www/course.html'].includes(path) || path.startsWith('/www/worker/');
export const POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
].join('; ');

/** Serves `dir`; resolves to { server, url } once listening. For tests of a page whose parts fail,
 * `replace` maps a path ("/www/views/readout.js") to the text served in its place, or to null for a
 * 404; `policy` stands for POLICY; `isolate: false` leaves out the ISOLATION headers (a course site
 * that does not send them). */
export function serve(dir, port = 0, { replace = {}, policy = POLICY, isolate = true } = {}) {
  const root = resolve(dir);
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      if (Object.hasOwn(replace, path)) {
        if (replace[path] === null) throw Object.assign(new Error('replaced'), { code: 'ENOENT' });
        res.writeHead(200, { 'Content-Type': TYPES[extname(path)] ?? 'text/plain', 'Cache-Control': 'no-cache' });
        return res.end(replace[path]);
      }
      let file = normalize(join(root, path));
      if (file !== root && !file.startsWith(root + sep)) throw Object.assign(new Error('outside root'), { code: 'ENOENT' });
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      // Public static files: any page may load them (a course page on another site loads www/embed.js).
      const headers = {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Cache-Control': 'no-cache',
        Vary: 'Accept-Encoding',
        'Access-Control-Allow-Origin': '*',
        ...(isolate ? ISOLATION : {}),
        ...(governed(file.slice(root.length).replaceAll(sep, '/')) ? { 'Content-Security-Policy': policy } : {}),
      };
      const accepted = String(req.headers['accept-encoding'] ?? '');
      let body = null;
      for (const [encoding, suffix] of [['br', '.br'], ['gzip', '.gz']]) {
        if (body || !accepted.includes(encoding)) continue;
        body = await readFile(file + suffix).catch(() => null);
        if (body) headers['Content-Encoding'] = encoding;
      }
      body ??= await readFile(file);
      res.writeHead(200, headers);
      res.end(body);
    } catch (e) {
      res.writeHead(e.code === 'ENOENT' || e.code === 'EISDIR' ? 404 : 500, { 'Content-Type': 'text/plain' });
      res.end(e.code === 'ENOENT' ? 'not found' : 'server error');
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok({ server, url: `http://127.0.0.1:${server.address().port}/` }));
  });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [dir = 'dist', port = '8080'] = process.argv.slice(2);
  serve(dir, Number(port))
    .then(({ url }) => console.log(`Autoencoder playground: ${url}  (Ctrl+C stops)`))
    .catch((e) => {
      console.error(`could not serve ${dir} on port ${port}: ${e.message}`);
      process.exit(1);
    });
}
