// Every fenced code block of README.md, docs/**/*.md and packages/*/README.md, checked as
// written, inside the consumer project (the packed packages installed from their
// tarballs, as a user has them):
//
//   ```ts / ```typescript   type-checked by the user's TypeScript (module nodenext, strict,
//                           skipLibCheck false), as an ES module of its own
//   ```js / ```javascript   run as an ES module (.mjs) on every supported Node, against a
//                           real server: the text '127.0.0.1:2181' is replaced by that
//                           server's connect string plus a fresh chroot; it must exit 0
//                           within 60 s, and lines marked `// → text` must be printed, in
//                           order
//   ```cjs                  the same, as a CommonJS file (.cjs)
//   other languages         (sh, json, text, ...) not code; not run
//
// Flags after the language (the info string), for blocks that are not whole programs:
//
//   continue    the block continues the previous block of the same language on the page
//               (one program, e.g. a tutorial that builds on earlier steps)
//   fragment    a piece of code that cannot stand alone (free names, a signature):
//               only its syntax is checked (tsc --noCheck), never run
//   no-test     not checked at all (say why in the text); counted and listed
//
// New pages are picked up by themselves; a block that is none of the above must compile
// or run as written.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ROOT, run } from './lib.mjs';

const TS = new Set(['ts', 'typescript']);
const JS = new Set(['js', 'javascript', 'mjs']);
const CJS = new Set(['cjs']);
const DOC_HOSTS = '127.0.0.1:2181';

/** The Markdown files whose snippets are checked (relative to the repository root). */
export function docFiles() {
  const out = ['README.md'];
  const walk = (dir) => {
    for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (rel !== 'docs/tools' && rel !== 'docs/api') walk(rel);
      } else if (entry.name.endsWith('.md')) out.push(rel);
    }
  };
  walk('docs');
  for (const d of readdirSync(path.join(ROOT, 'packages'))) {
    try {
      readFileSync(path.join(ROOT, 'packages', d, 'README.md'));
      out.push(`packages/${d}/README.md`);
    } catch {
      // no README
    }
  }
  return out.sort();
}

/** Fenced blocks of one Markdown text: `{ line, lang, flags, code }`. */
export function extractBlocks(markdown) {
  const blocks = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indentText, fence, lang, rest] = open;
    const body = [];
    let j = i + 1;
    for (; j < lines.length && !lines[j].trimStart().startsWith(fence); j++) body.push(lines[j].slice(indentText.length));
    blocks.push({ line: i + 1, lang: lang.toLowerCase(), flags: rest.split(/[\s,]+/).filter(Boolean), code: body.join('\n') });
    i = j;
  }
  return blocks;
}

/**
 * Group a page's blocks into checks: `{ kind: 'ts'|'js'|'cjs', mode: 'program'|'fragment'|'skip', lines, code }`.
 * A `continue` block joins the last check of its language.
 */
export function pageChecks(file, markdown) {
  const checks = [];
  const last = {};
  for (const b of extractBlocks(markdown)) {
    const kind = TS.has(b.lang) ? 'ts' : JS.has(b.lang) ? 'js' : CJS.has(b.lang) ? 'cjs' : undefined;
    if (!kind) continue;
    const mode = b.flags.includes('no-test') ? 'skip' : b.flags.includes('fragment') ? 'fragment' : 'program';
    if (b.flags.includes('continue') && mode === 'program') {
      const prev = last[kind];
      if (!prev) throw new Error(`${file}:${b.line}: a \`continue\` block with no ${kind} block before it`);
      prev.code += `\n${b.code}`;
      prev.lines.push(b.line);
      continue;
    }
    const check = { file, kind, mode, lines: [b.line], code: b.code };
    checks.push(check);
    if (mode === 'program') last[kind] = check;
  }
  return checks;
}

/** Every check of every page. */
export function allChecks() {
  return docFiles().flatMap((file) => pageChecks(file, readFileSync(path.join(ROOT, file), 'utf8')));
}

const label = (c) => `${c.file}:${c.lines.join('+')} (${c.kind}${c.mode === 'program' ? '' : ` ${c.mode}`})`;
const fileId = (c) => `${c.file.replace(/[/.]/g, '_')}_${c.lines[0]}`;

/** tsconfig of the snippet checks: what a strict user project has. */
function tsconfig(files, noCheck) {
  return {
    compilerOptions: {
      target: 'es2022',
      module: 'nodenext',
      moduleResolution: 'nodenext',
      lib: ['es2023', 'esnext.disposable'],
      types: ['node'],
      strict: true,
      skipLibCheck: false,
      noEmit: true,
      ...(noCheck ? { noCheck: true } : {}),
    },
    files,
  };
}

/** Type-check the ts programs (one tsc run) and syntax-check the fragments (another); record one result per check. */
async function checkTypeScript(project, checks, results) {
  const dir = path.join(project, 'snippets-ts');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tsc = path.join(project, 'node_modules/typescript/bin/tsc');
  for (const mode of ['program', 'fragment']) {
    const group = checks.filter((c) => c.kind === 'ts' && c.mode === mode);
    if (group.length === 0) continue;
    const files = group.map((c) => {
      const name = `${fileId(c)}.mts`;
      // Each snippet is a module of its own (a file with no import/export would be a script).
      writeFileSync(path.join(dir, name), `${c.code}\nexport {};\n`);
      return name;
    });
    const config = `tsconfig.${mode}.json`;
    writeFileSync(path.join(dir, config), JSON.stringify(tsconfig(files, mode === 'fragment'), null, 2));
    const output = await run(process.execPath, [tsc, '-p', config, '--pretty', 'false'], { cwd: dir, timeoutMs: 180_000 }).catch((err) => err.output ?? err.message);
    const stray = output.split('\n').filter((l) => /error TS\d+/.test(l) && !files.some((f) => l.startsWith(`${f}(`)));
    if (stray.length) await results.check(`tsc over the ${mode}s`, () => Promise.reject(new Error(stray.join('\n'))));
    for (const [i, c] of group.entries()) {
      const mine = output.split('\n').filter((l) => l.startsWith(`${files[i]}(`));
      await results.check(`${label(c)} compiles`, () => {
        if (mine.length > 0) throw new Error(`${mine.join('\n')}\n--- snippet ---\n${numbered(c.code)}`);
      });
    }
  }
}

function numbered(code) {
  return code
    .split('\n')
    .map((l, i) => `${String(i + 1).padStart(3)}| ${l}`)
    .join('\n');
}

/** Run one JS check on one Node against the server, in a fresh chroot; check its `// →` lines. */
async function runJs(project, check, runtime, connect, admin) {
  const chroot = `/docs-${randomBytes(5).toString('hex')}`;
  await admin.ensurePath(chroot);
  try {
    const code = check.code.replaceAll(DOC_HOSTS, connect + chroot);
    const file = path.join(project, 'snippets-js', `${fileId(check)}.${check.kind === 'cjs' ? 'cjs' : 'mjs'}`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, code);
    const out = await run(runtime.node, [file], { cwd: project, timeoutMs: 60_000 });
    const printed = out.split('\n');
    let at = 0;
    for (const m of check.code.matchAll(/\/\/ → (.+)$/gm)) {
      const want = m[1].trim();
      const found = printed.findIndex((l, i) => i >= at && l.trim() === want);
      if (found < 0) throw new Error(`expected a line "${want}" (after line ${at}) in:\n${out}`);
      at = found + 1;
    }
  } finally {
    await admin.delete(chroot, { recursive: true }).catch(() => {});
  }
}

/**
 * Check every snippet. `admin` is a started client of the project's @zookit/client on
 * `connect` (used to make and remove the chroots).
 */
export async function checkDocs({ project, runtimes, connect, admin, results }) {
  const checks = allChecks();
  const count = (k, m) => checks.filter((c) => c.kind === k && c.mode === m).length;
  console.log(
    `docs: ${docFiles().length} pages; ts ${count('ts', 'program')} programs + ${count('ts', 'fragment')} fragments; ` +
      `js ${count('js', 'program') + count('cjs', 'program')} programs; ${checks.filter((c) => c.mode === 'skip').length} no-test`,
  );
  for (const c of checks.filter((c) => c.mode === 'skip')) console.log(`  - not checked: ${label(c)}`);
  await checkTypeScript(project, checks, results);
  for (const c of checks.filter((c) => c.kind !== 'ts' && c.mode === 'program')) {
    for (const runtime of runtimes) {
      await results.check(`${label(c)} runs on ${runtime.label}`, () => runJs(project, c, runtime, connect, admin));
    }
  }
  for (const c of checks.filter((c) => c.kind !== 'ts' && c.mode === 'fragment')) {
    await results.check(`${label(c)} parses`, async () => {
      const file = path.join(project, 'snippets-js', `${fileId(c)}.${c.kind === 'cjs' ? 'cjs' : 'mjs'}`);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, c.code);
      await run(runtimes[0].node, ['--check', file], { timeoutMs: 30_000 });
    });
  }
}
