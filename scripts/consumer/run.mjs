#!/usr/bin/env node
// The packaging test: the packages as a user gets them.
//
//   node scripts/consumer/run.mjs          (after `npx turbo run build`)
//
// 1. `npm pack` every published package under packages/ (not `private`); each tarball
//    must carry README.md, LICENSE, every `exports` target, and the sources of every
//    source map; `publint --strict` and attw (@arethetypeswrong/cli) must pass.
// 2. Install the tarballs into a fresh project in the OS temp dir (outside the
//    workspace), with the TypeScript, @types/node and vitest a user would add (and the
//    OpenTelemetry SDK parts docs/observability.md imports); the optional peer
//    testcontainers must not come along.
// 3. On every supported Node (this machine's, plus scripts/node-runtimes.sh): an ES module
//    following docs/getting-started.md against a real server (started by the installed
//    @zookit/testing), a CommonJS file, and require() of every entry point.
// 4. tsc over ESM and CommonJS files under module nodenext, and under moduleResolution
//    bundler, with skipLibCheck false: TypeScript 7 (what `npm install typescript` gives)
//    and 5.9 (the last of the JavaScript compiler, still common).
// 5. Every snippet of README.md and docs/ (docs-snippets.mjs), in the same project.
//
// Results go to $ZOOKIT_RESULTS_DIR as passes "consumer" and "docs" (consumer.json,
// docs.json) for scripts/summarize.mjs. ZOOKIT_CONSUMER_KEEP=1 keeps the temp project;
// with ZOOKIT_CONSUMER_DIR naming a kept one, ZOOKIT_CONSUMER_REUSE=1 runs only step 5 in it
// (for editing docs).
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkDocs } from './docs-snippets.mjs';
import { ROOT, Results, USER_TYPESCRIPT, USER_TYPESCRIPT_5, USER_TYPES_NODE, USER_VITEST, USER_OTEL_SDK, consumerDir, entryPoints, nodeRuntimes, publishedPackages, run } from './lib.mjs';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const TOOLS = path.join(ROOT, 'scripts/pack-tools');
const consumer = new Results('scripts/consumer/run.mjs (packaging)');
const docs = new Results('scripts/consumer/docs-snippets.mjs (docs)');
const project = consumerDir();
const tarballDir = path.join(project, 'tarballs');

/** Files listed in a tarball, without the leading `package/`. */
async function tarList(tgz) {
  const out = await run('tar', ['-tzf', tgz]);
  return new Set(out.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, '')));
}

/** Export targets of a manifest (every string leaf of `exports`). */
function exportTargets(exports) {
  if (typeof exports === 'string') return [exports];
  if (!exports || typeof exports !== 'object') return [];
  return Object.values(exports).flatMap(exportTargets);
}

async function checkTarball(pkg, tgz) {
  const files = await tarList(tgz);
  const missing = ['package.json', 'README.md', 'LICENSE', ...exportTargets(pkg.manifest.exports).map((t) => t.replace(/^\.\//, ''))].filter(
    (f) => !files.has(f),
  );
  if (missing.length) throw new Error(`${path.basename(tgz)} lacks ${missing.join(', ')}`);
  // Every source map's sources ship too.
  const unpacked = path.join(project, 'unpacked', pkg.manifest.name);
  mkdirSync(unpacked, { recursive: true });
  await run('tar', ['-xzf', tgz, '-C', unpacked]);
  const dangling = [];
  for (const f of [...files].filter((f) => f.endsWith('.map'))) {
    const map = JSON.parse(readFileSync(path.join(unpacked, 'package', f), 'utf8'));
    for (const src of map.sources ?? []) {
      const rel = path.posix.normalize(path.posix.join(path.posix.dirname(f), map.sourceRoot ?? '', src));
      if (!files.has(rel)) dangling.push(`${f} → ${rel}`);
    }
  }
  if (dangling.length) throw new Error(`source maps name files not in the tarball:\n${dangling.slice(0, 10).join('\n')}`);
}

async function packAll(packages) {
  rmSync(project, { recursive: true, force: true });
  mkdirSync(tarballDir, { recursive: true });
  if (!existsSync(path.join(TOOLS, 'node_modules/.bin/attw'))) {
    await run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: TOOLS, timeoutMs: 300_000 });
  }
  const tarballs = [];
  for (const pkg of packages) {
    const name = pkg.manifest.name;
    let tgz;
    await consumer.check(`${name}: npm pack has README, LICENSE, exports targets and map sources`, async () => {
      const out = await run('npm', ['pack', '--pack-destination', tarballDir, '--silent'], { cwd: pkg.dir });
      tgz = path.join(tarballDir, out.trim().split('\n').pop());
      await checkTarball(pkg, tgz);
    });
    if (!tgz) continue;
    tarballs.push(tgz);
    await consumer.check(`${name}: publint --strict`, () => run(path.join(TOOLS, 'node_modules/.bin/publint'), ['--strict', tgz]).then(() => {}));
    // cjs-resolves-to-esm is attw's model of Node before require(esm); the packages are ES
    // modules that Node 20.19+/22.12+/24 require(), which step 3 runs on each of them.
    await consumer.check(`${name}: attw (every entry point, node10/node16/bundler)`, () =>
      run(path.join(TOOLS, 'node_modules/.bin/attw'), [tgz, '--ignore-rules', 'cjs-resolves-to-esm', '--format', 'ascii']).then(() => {}),
    );
  }
  return tarballs;
}

async function install(tarballs) {
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'zookit-consumer', private: true, version: '0.0.0' }, null, 2));
  await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs, `typescript@${USER_TYPESCRIPT}`, `typescript-5@npm:typescript@${USER_TYPESCRIPT_5}`, `@types/node@${USER_TYPES_NODE}`, `vitest@${USER_VITEST}`,
      `@opentelemetry/sdk-metrics@${USER_OTEL_SDK}`, `@opentelemetry/sdk-trace-base@${USER_OTEL_SDK}`],
    { cwd: project, timeoutMs: 600_000 },
  );
  if (existsSync(path.join(project, 'node_modules/testcontainers'))) throw new Error('testcontainers was installed: it must be an optional peer');
  const count = readdirSync(path.join(project, 'node_modules'), { withFileTypes: true }).length;
  console.log(`  (consumer project ${project}: ${count} top-level entries in node_modules)`);
}

/** require() every entry point of every package, in the consumer project, on `node`. */
function requireAllSource(packages) {
  const specs = packages.flatMap((p) => entryPoints(p.manifest));
  return `for (const s of ${JSON.stringify(specs)}) { const m = require(s); if (Object.keys(m).length === 0) throw new Error(s + ' exports nothing'); }\nconsole.log('required ${specs.length}');\n`;
}

async function tscChecks() {
  const dir = path.join(project, 'types');
  mkdirSync(dir, { recursive: true });
  cpSync(path.join(FIXTURES, 'types.mts'), path.join(dir, 'esm.mts'));
  cpSync(path.join(FIXTURES, 'types.cts'), path.join(dir, 'cjs.cts'));
  cpSync(path.join(FIXTURES, 'types.mts'), path.join(dir, 'bundler.ts'));
  const base = { target: 'es2022', lib: ['es2023', 'esnext.disposable'], types: ['node'], strict: true, skipLibCheck: false, noEmit: true };
  const configs = {
    'module nodenext (ESM .mts and CommonJS .cts)': { compilerOptions: { ...base, module: 'nodenext', moduleResolution: 'nodenext' }, files: ['esm.mts', 'cjs.cts'] },
    'moduleResolution bundler': { compilerOptions: { ...base, module: 'esnext', moduleResolution: 'bundler' }, files: ['bundler.ts'] },
  };
  const compilers = { [USER_TYPESCRIPT]: 'typescript', [USER_TYPESCRIPT_5]: 'typescript-5' };
  for (const [name, config] of Object.entries(configs)) {
    const file = `tsconfig.${name.split(' ')[1]}.json`;
    writeFileSync(path.join(dir, file), JSON.stringify(config, null, 2));
    for (const [version, pkg] of Object.entries(compilers)) {
      const tsc = path.join(project, 'node_modules', pkg, 'bin/tsc');
      await consumer.check(`tsc ${version}, ${name}, skipLibCheck false`, () => run(process.execPath, [tsc, '-p', file], { cwd: dir }).then(() => {}));
    }
  }
}

async function main() {
  const packages = publishedPackages();
  const runtimes = nodeRuntimes();
  console.log(`packages: ${packages.map((p) => p.manifest.name).join(', ')}; runtimes: ${runtimes.map((r) => r.label).join(', ')}`);
  let installed = false;
  if (process.env.ZOOKIT_CONSUMER_REUSE === '1' && existsSync(path.join(project, 'node_modules'))) {
    installed = true; // docs iteration: reuse the kept project as it is
  } else {
    const tarballs = await packAll(packages);
    await consumer.check(`install ${tarballs.length} tarballs into a fresh project (no testcontainers)`, async () => {
      await install(tarballs);
      installed = true;
    });
  }
  if (installed) {
    const req = createRequire(path.join(project, 'package.json'));
    const testing = await import(pathToFileURL(req.resolve('@zookit/testing')).href);
    const client = await import(pathToFileURL(req.resolve('@zookit/client')).href);
    const server = await testing.startServer({ source: 'local' });
    const admin = new client.ZooKeeperClient({ hosts: server.connectString });
    try {
      await admin.start();
      cpSync(path.join(FIXTURES, 'esm.mjs'), path.join(project, 'esm.mjs'));
      cpSync(path.join(FIXTURES, 'cjs.cjs'), path.join(project, 'cjs.cjs'));
      writeFileSync(path.join(project, 'require-all.cjs'), requireAllSource(packages));
      const env = { ZK_CONNECT: server.connectString };
      for (const rt of process.env.ZOOKIT_CONSUMER_REUSE === '1' ? [] : runtimes) {
        await consumer.check(`${rt.label}: ESM getting-started flow`, () => run(rt.node, ['esm.mjs'], { cwd: project, env }).then(() => {}));
        await consumer.check(`${rt.label}: CommonJS require() and a session`, () => run(rt.node, ['cjs.cjs'], { cwd: project, env }).then(() => {}));
        await consumer.check(`${rt.label}: require() of every entry point`, () => run(rt.node, ['require-all.cjs'], { cwd: project }).then(() => {}));
      }
      if (process.env.ZOOKIT_CONSUMER_REUSE !== '1') await tscChecks();
      await checkDocs({ project, runtimes, connect: server.connectString, admin, results: docs });
    } finally {
      await admin.stop().catch(() => {});
      await server.stop();
    }
  }
  if (process.env.ZOOKIT_CONSUMER_KEEP !== '1') rmSync(project, { recursive: true, force: true });
  const a = consumer.write('consumer', 'consumer');
  const b = docs.write('docs', 'docs');
  process.exit(a || b || (installed ? 0 : 1));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
