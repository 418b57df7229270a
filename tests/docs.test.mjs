// The docs kept true to the tree, without a browser: the layout table in docs/engine.md names every
// file under src/ and www/, and every file or folder it names exists under its row's folder; every
// relative link in README.md, docs/*.md and benches/results/history.md reaches a file, and every
// #anchor a heading. Run with `node --test tests/docs.test.mjs`.
//
// How the layout table is read. A row's first cell names its paths (`src/real.rs`, `rng.rs`: a name
// without a slash is in the folder of the path before it); each must exist, and its folder (a file's
// own folder) is where the row's names are looked for. A backticked name in the second cell that looks
// like a file (`name.ext`) or a folder (`name/`) must be found in the row's folder or, failing that, in
// its subfolders (the shallowest match); a name with a slash may sit anywhere in the tree. A file under
// src/ or www/ counts as named when a row names it that way, or names a folder above it in its second
// cell (for folders of many); a folder's mod.rs and README.md go with the folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (path) => readFileSync(ROOT + path, 'utf8'); // throws on a missing file: no silent pass
const FILE_LIKE = /^[\w.@-]+(\/[\w.@-]+)*(\/|\.(rs|js|mjs|json|wgsl|md|py|html|css|sh|txt|toml|png|gz|csv|bin))$/;

/** The working tree as git sees it: tracked and new files (not ignored) that exist on disk. */
function tree() {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const files = [...new Set(listed.split('\0').filter(Boolean))].filter((f) => existsSync(ROOT + f)).sort();
  assert.ok(files.length > 50, `git ls-files listed ${files.length} files`);
  const folders = new Set(files.flatMap((f) => f.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/') + '/')));
  return { files, folders };
}

const ticks = (text) => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

/** The cells of a table row, split on pipes that are not escaped. */
const cells = (line) => line.replace(/^\||\|$/g, '').split(/(?<!\\)\|/).map((c) => c.trim());

/** The layout table's rows: {paths, folders, names} (names: file-like names of the second cell). */
function layoutRows() {
  const section = read('docs/engine.md').split(/^## Layout[ \t]*$/m)[1];
  assert.ok(section, 'docs/engine.md has no "## Layout" section');
  const lines = section.split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  assert.ok(first >= 0, 'the Layout section has no table');
  const table = lines.slice(first, lines.findIndex((l, i) => i > first && !l.startsWith('|')));
  const rows = table.slice(2).map((line) => {
    const [path, what] = cells(line);
    let dir = '';
    const paths = ticks(path).map((p) => {
      const full = p.includes('/') ? p : dir + p;
      dir = full.endsWith('/') ? full : full.slice(0, full.lastIndexOf('/') + 1);
      return full;
    });
    const folders = [...new Set(paths.map((p) => (p.endsWith('/') ? p : p.slice(0, p.lastIndexOf('/') + 1))))];
    return { line, paths, folders, names: ticks(what ?? '').filter((t) => FILE_LIKE.test(t)) };
  });
  assert.ok(rows.length >= 10 && rows.every((r) => r.paths.length > 0), 'the layout table is too short or a row names no path');
  return rows;
}

/** Where a name of a row resolves in the tree (files, or folders for `name/`), or [] when nowhere. */
function resolve(name, row, { files, folders }) {
  const isFolder = name.endsWith('/');
  const pool = isFolder ? [...folders] : files;
  if (name.slice(0, -1).includes('/')) {
    const found = pool.filter((p) => p === name || p.endsWith('/' + name));
    const inRow = found.filter((p) => row.folders.some((f) => p.startsWith(f)));
    return inRow.length ? inRow : found;
  }
  const direct = row.folders.map((f) => f + name).filter((p) => pool.includes(p));
  if (direct.length) return direct;
  const base = (p) => (isFolder ? posix.basename(p) + '/' : posix.basename(p));
  const below = pool.filter((p) => row.folders.some((f) => p.startsWith(f)) && base(p) === name);
  const depth = (p) => p.split('/').length;
  const least = Math.min(...below.map(depth));
  return below.filter((p) => depth(p) === least);
}

test('every path and name in the layout table exists under its row', async (t) => {
  const known = tree();
  for (const row of layoutRows()) {
    await t.test(row.paths.join(', '), () => {
      const missing = [
        ...row.paths.filter((p) => !known.files.includes(p) && !known.folders.has(p)),
        ...row.names.filter((n) => resolve(n, row, known).length === 0).map((n) => `${n} (under ${row.folders.join(', ')})`),
      ];
      if (missing.length) console.log(`layout row ${row.paths.join(', ')}: not in the tree: ${missing.join('; ')}`);
      assert.deepEqual(missing, [], 'named in the layout table but not in the tree');
    });
  }
});

test('every file under src/ and www/ is named in the layout table', async (t) => {
  const known = tree();
  const rows = layoutRows();
  const named = new Set();
  const namedFolders = new Set(rows.flatMap((r) => r.folders));
  for (const row of rows) {
    for (const name of [...row.paths, ...row.names]) {
      for (const p of resolve(name, row, known)) {
        if (!p.endsWith('/')) named.add(p);
        else if (row.names.includes(name)) {
          namedFolders.add(p); // a folder of many, named in the second cell: its files with it
          known.files.filter((f) => f.startsWith(p)).forEach((f) => named.add(f));
        }
      }
    }
  }
  const goesWithFolder = (f) => ['mod.rs', 'README.md'].includes(posix.basename(f)) && namedFolders.has(posix.dirname(f) + '/');
  for (const top of ['src/', 'www/']) {
    await t.test(top, () => {
      const files = known.files.filter((f) => f.startsWith(top));
      assert.ok(files.length > 0, `no files under ${top}`);
      const missing = files.filter((f) => !named.has(f) && !goesWithFolder(f));
      if (missing.length) console.log(`not named in the layout table (docs/engine.md): ${missing.join(', ')}`);
      assert.deepEqual(missing, [], `files under ${top} that the layout table does not name`);
    });
  }
});

/** Markdown without fenced blocks and code spans, where links and headings are looked for. */
const prose = (text) => text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '').replace(/`[^`\n]*`/g, '');

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading) =>
  heading
    .replace(/`/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');

/** Every anchor a markdown file has (GitHub numbers repeated headings: x, x-1, x-2). */
function anchors(text) {
  const seen = new Map();
  const headings = text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '').matchAll(/^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/gm);
  return new Set(
    [...headings].map(([, h]) => {
      const s = slug(h);
      const n = seen.get(s) ?? 0;
      seen.set(s, n + 1);
      return n ? `${s}-${n}` : s;
    }),
  );
}

test('every relative link in the README and the docs reaches a file, and every anchor a heading', () => {
  const pages = ['README.md', ...readdirSync(ROOT + 'docs').filter((f) => f.endsWith('.md')).map((f) => 'docs/' + f), 'benches/results/history.md'];
  assert.ok(pages.length >= 8, `only ${pages.length} pages found`);
  const broken = [];
  let links = 0;
  for (const page of pages) {
    const text = read(page);
    for (const [, target] of prose(text).matchAll(/!?\[(?:[^\][]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http(s), mailto
      links++;
      const [path, fragment] = target.split('#');
      const file = path ? posix.normalize(posix.join(posix.dirname(page), decodeURI(path))) : page;
      if (!existsSync(ROOT + file)) broken.push(`${page}: ${target} (no ${file})`);
      else if (fragment !== undefined && file.endsWith('.md') && !anchors(read(file)).has(decodeURIComponent(fragment)))
        broken.push(`${page}: ${target} (no heading #${fragment} in ${file})`);
    }
  }
  assert.ok(links > 20, `only ${links} relative links found: the parser is wrong`);
  if (broken.length) console.log(`broken links:\n  ${broken.join('\n  ')}`);
  assert.deepEqual(broken, [], 'links that lead nowhere');
});
