// Builds the companion extension (extension/) into dist/extension/chromium and dist/extension/firefox, plus
// store-ready zips next to them. One source tree; the manifests differ only where the browsers do.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'extension');
const out = join(root, 'dist', 'extension');
const base = JSON.parse(readFileSync(join(src, 'manifest.json'), 'utf8'));
const ids = JSON.parse(readFileSync(join(src, 'ids.json'), 'utf8'));
base.version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;

/** Chromium family (Chrome, Edge, Chromium, Brave): service worker; `key` pins the extension ID. */
const chromium = base;
/** Firefox: background scripts, the gecko id, no `key` (Firefox ids come from browser_specific_settings). */
const { key: _key, minimum_chrome_version: _min, ...rest } = base;
const firefox = {
  ...rest,
  background: { scripts: ['background.js'] },
  // The extension collects nothing: the documents go from the page to the local agent only.
  browser_specific_settings: { gecko: { id: ids.firefox, strict_min_version: '140.0', data_collection_permissions: { required: ['none'] } }, gecko_android: { strict_min_version: '142.0' } },
};

/** A minimal zip (deflate) writer: store uploads need a zip, and CI needs no zip binary for it. */
function zip(dir, file) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const name of readdirSync(dir).sort()) {
    const data = readFileSync(join(dir, name));
    const packed = deflateRawSync(data, { level: 9 });
    const nameBuf = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0); head.writeUInt16LE(20, 4); head.writeUInt16LE(0x0800, 6); head.writeUInt16LE(8, 8);
    head.writeUInt32LE(0x00210000, 10); // a fixed DOS date (1980-01-01): reproducible zips
    head.writeUInt32LE(crc, 14); head.writeUInt32LE(packed.length, 18); head.writeUInt32LE(data.length, 22);
    head.writeUInt16LE(nameBuf.length, 26); head.writeUInt16LE(0, 28);
    locals.push(head, nameBuf, packed);
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(0x02014b50, 0); cen.writeUInt16LE(20, 4); cen.writeUInt16LE(20, 6); cen.writeUInt16LE(0x0800, 8); cen.writeUInt16LE(8, 10);
    cen.writeUInt32LE(0x00210000, 12); cen.writeUInt32LE(crc, 16); cen.writeUInt32LE(packed.length, 20); cen.writeUInt32LE(data.length, 24);
    cen.writeUInt16LE(nameBuf.length, 28); cen.writeUInt32LE(offset, 42);
    centrals.push(cen, nameBuf);
    offset += 30 + nameBuf.length + packed.length;
  }
  const central = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(centrals.length / 2, 8); end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(central.length, 12); end.writeUInt32LE(offset, 16);
  writeFileSync(file, Buffer.concat([...locals, central, end]));
}

rmSync(out, { recursive: true, force: true });
for (const [name, manifest] of [['chromium', chromium], ['firefox', firefox]]) {
  const dir = join(out, name);
  mkdirSync(dir, { recursive: true });
  await build({
    entryPoints: ['background', 'content', 'shim'].map((e) => ({ in: join(src, 'src', `${e}.ts`), out: e })),
    outdir: dir,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: name === 'firefox' ? ['firefox128'] : ['chrome111'],
    legalComments: 'none',
    logLevel: 'warning',
  });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  zip(dir, join(out, `kyso-agent-${name}-${base.version}.zip`));
}
console.log(JSON.stringify({ extension: 'dist/extension', chromiumId: ids.chromium, firefoxId: ids.firefox, version: base.version }));
