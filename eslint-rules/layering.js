// ESLint rule `kyso/layering`: which top-level folder may import which, decided on the RESOLVED import path (so
// `core/signing/` and the `agent/signing/` adapter are told apart). Options: { layers: { <layer>: [allowed…] } }.
// A file's layer is `agent/<name>` → <name>, or `renderer` / `sdk`; imports inside one layer are always allowed.
import { dirname, relative, resolve, sep } from 'node:path';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');

/** The layer of an absolute path, or undefined outside agent/, renderer/ and sdk/. */
function layerOf(path) {
  const parts = relative(ROOT, path).split(sep);
  if (parts[0] === 'agent' && parts.length > 2) return parts[1];
  if (parts[0] === 'renderer' || parts[0] === 'sdk') return parts[0];
  return undefined;
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'imports point toward the core: each layer names the layers it may import (docs/architecture.md)' },
    schema: [{ type: 'object', properties: { layers: { type: 'object' } }, additionalProperties: false }],
  },
  create(context) {
    const layers = context.options[0]?.layers ?? {};
    const from = layerOf(context.filename);
    const allowed = from === undefined ? undefined : layers[from];
    if (allowed === undefined) return {};
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const to = layerOf(resolve(dirname(context.filename), source));
      if (to === undefined || to === from || allowed.includes(to)) return;
      context.report({ node, message: `layering: agent/${from} may not import ${to === 'renderer' || to === 'sdk' ? to : `agent/${to}`} (docs/architecture.md)` });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};
