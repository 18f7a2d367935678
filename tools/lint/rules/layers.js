// zookit/layers: imports point down.
//
// 1. Inside a package with layers (the client), a file may import its own layer or a
//    lower one, never a higher one.
// 2. A package's src imports only packages of a lower tier (protocol < client, testing
//    < recipes < examples, bench, scripts).
// 3. A package is imported by name through an entry its package.json exports (no deep
//    imports such as `@zookit/client/dist/session/session.js`).
// 4. No file reaches into another package's files by relative path.
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/** The package directory (relative to the repo root) a file belongs to, or undefined for root files. */
function packageDirOf(rel) {
  const parts = rel.split('/');
  if ((parts[0] === 'packages' || parts[0] === 'examples') && parts.length > 2) return `${parts[0]}/${parts[1]}`;
  if ((parts[0] === 'bench' || parts[0] === 'scripts') && parts.length > 1) return parts[0];
  return undefined;
}

const exportsCache = new Map();
/** The subpaths (`.`, `./vitest`, ...) a workspace package exports, by package name. */
function workspaceExports() {
  if (exportsCache.size > 0) return exportsCache;
  for (const group of ['packages', 'examples']) {
    for (const dir of fs.readdirSync(path.join(ROOT, group))) {
      const file = path.join(ROOT, group, dir, 'package.json');
      if (!fs.existsSync(file)) continue;
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
      const exp = pkg.exports;
      const keys = exp === undefined ? ['.'] : typeof exp === 'string' ? ['.'] : Object.keys(exp).filter((k) => k.startsWith('.'));
      exportsCache.set(pkg.name, new Set(keys.length > 0 ? keys : ['.']));
    }
  }
  return exportsCache;
}

/** TypeScript imports name the emitted `.js` file: the source is the `.ts` beside it. */
function sourceOf(rel) {
  const ts = rel.replace(/\.js$/, '.ts');
  return ts !== rel && fs.existsSync(path.join(ROOT, ts)) ? ts : rel;
}

/** Index of the first layer whose pattern matches `rel`, or -1. */
function layerOf(layers, rel) {
  return layers.findIndex((layer) => layer.files.some((re) => re.test(rel)));
}

function compileLayers(layers) {
  return layers.map((l) => ({ name: l.name, files: l.files.map((f) => new RegExp(f)) }));
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'imports point down: layers inside a package, tiers between packages, public entries only' },
    schema: [
      {
        type: 'object',
        properties: {
          layers: { type: 'object' },
          tiers: { type: 'object' },
        },
        additionalProperties: false,
      },
    ],
    messages: {
      up: '{{from}} ({{fromLayer}}) imports {{to}} ({{toLayer}}), a higher layer: imports point down',
      tierUp: '{{pkg}} imports {{target}}, which is not below it: imports point down',
      deep: '{{spec}} is not an entry that {{pkg}} exports: import the package by its public entry',
      reach: '{{spec}} reaches into {{target}} by relative path: import the package by name',
      untiered: '{{pkg}} has no tier in the layering rule (tools/lint/eslint.config.js): give it one',
    },
  },
  create(context) {
    const options = context.options[0] ?? {};
    const layerSets = Object.entries(options.layers ?? {}).map(([dir, layers]) => ({ dir, layers: compileLayers(layers) }));
    const tiers = options.tiers ?? {};
    const file = context.filename;
    const rel = path.relative(ROOT, file).split(path.sep).join('/');
    const ownDir = packageDirOf(rel);
    const inSrc = ownDir !== undefined && rel.startsWith(`${ownDir}/src/`);
    const ownName = ownDir && fs.existsSync(path.join(ROOT, ownDir, 'package.json'))
      ? JSON.parse(fs.readFileSync(path.join(ROOT, ownDir, 'package.json'), 'utf8')).name
      : undefined;

    function check(node, spec) {
      if (typeof spec !== 'string') return;
      if (spec.startsWith('.')) return checkRelative(node, spec);
      const m = /^(@zookit\/[^/]+)(\/.*)?$/.exec(spec);
      if (!m) return;
      const [, pkg, sub] = m;
      const exported = workspaceExports().get(pkg);
      if (exported && !exported.has(sub ? `.${sub}` : '.')) context.report({ node, messageId: 'deep', data: { spec, pkg } });
      if (!inSrc || pkg === ownName || !options.tiers) return;
      const unknown = [ownName, pkg].find((p) => !(p in tiers));
      if (unknown) context.report({ node, messageId: 'untiered', data: { pkg: unknown } });
      else if (tiers[pkg] >= tiers[ownName]) context.report({ node, messageId: 'tierUp', data: { pkg: ownName, target: pkg } });
    }

    function checkRelative(node, spec) {
      const target = sourceOf(path.relative(ROOT, path.resolve(path.dirname(file), spec)).split(path.sep).join('/'));
      const targetDir = packageDirOf(target);
      if (targetDir !== undefined && targetDir !== ownDir) {
        context.report({ node, messageId: 'reach', data: { spec, target: targetDir } });
        return;
      }
      for (const { dir, layers } of layerSets) {
        if (!rel.startsWith(`${dir}/`) || !target.startsWith(`${dir}/`)) continue;
        const from = layerOf(layers, rel.slice(dir.length + 1));
        const to = layerOf(layers, target.slice(dir.length + 1));
        if (from >= 0 && to > from) {
          context.report({ node, messageId: 'up', data: { from: rel, fromLayer: layers[from].name, to: target, toLayer: layers[to].name } });
        }
      }
    }

    const source = (node) => node.source && check(node, node.source.value);
    return {
      ImportDeclaration: source,
      ExportNamedDeclaration: source,
      ExportAllDeclaration: source,
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};
