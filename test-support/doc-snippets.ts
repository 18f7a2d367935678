// Running a documentation page's ```ts snippets against the shared test server, for the
// packages' docs tests: the blocks become one module whose connect string '127.0.0.1:2181'
// is replaced by the test server's plus a fresh chroot, and what it prints is captured so
// the test can check the page's `// → expected` lines.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, vi } from 'vitest';

/** The connect string the pages use; replaced when they run. */
export const DOC_HOSTS = "'127.0.0.1:2181'";

/** The ```ts blocks of a Markdown page, without those marked `no-test` or `fragment` (which cannot run). */
export async function tsBlocks(page: string): Promise<string[]> {
  const markdown = await readFile(page, 'utf8');
  return [...markdown.matchAll(/^```ts([^\n]*)\n([\s\S]*?)^```\s*$/gm)].filter((m) => !/\b(no-test|fragment)\b/.test(m[1]!)).map((m) => m[2]!);
}

/** The texts after `// → ` in the blocks, in order. */
export function expectedOutputs(blocks: readonly string[]): string[] {
  return blocks.flatMap((b) => [...b.matchAll(/\/\/ → (.+)$/gm)].map((m) => m[1]!.trim()));
}

/** The client a docs test makes its chroot with (`@zookit/client`'s `ZooKeeperClient`). */
interface DocAdmin {
  start(): Promise<unknown>;
  ensurePath(path: string): Promise<unknown>;
  delete(path: string, options: { recursive: true }): Promise<unknown>;
  close(): Promise<unknown>;
}

/** Where and how {@link runDocModule} runs a page's code. */
export interface DocRunOptions {
  /** The page the code comes from (named in the generated file's header and name). */
  page: string;
  /** The shared server's connect string (`inject('zkConnect')`). */
  connectString: string;
  /** A fresh chroot (`uniqueChroot(...)`): created before the run, deleted after. */
  chroot: string;
  /** Makes an unstarted client for `hosts` (no chroot), to create and delete the chroot. */
  admin: (hosts: string) => DocAdmin;
  /** Directory for the generated module, inside the package so that its imports resolve. */
  outDir: string;
}

/** What a page's module printed. */
export interface DocRun {
  /** `console.log` lines (arguments joined by spaces). */
  printed: string[];
  /** Objects passed to `console.dir`. */
  dirs: unknown[];
}

/**
 * Runs `source` (a page's code, naming {@link DOC_HOSTS}) as one module against a fresh
 * chroot of the shared server, and returns what it printed. The generated file is removed
 * once it ran, kept (to look at) when it threw.
 */
export async function runDocModule(source: string, options: DocRunOptions): Promise<DocRun> {
  expect(source).toContain(DOC_HOSTS);
  const name = path.basename(options.page, '.md');
  const admin = options.admin(options.connectString);
  await admin.start();
  try {
    await admin.ensurePath(options.chroot);
    await mkdir(options.outDir, { recursive: true });
    const file = path.join(options.outDir, `${name}-${path.basename(options.chroot)}.ts`);
    const module = source.replaceAll(DOC_HOSTS, JSON.stringify(options.connectString + options.chroot));
    await writeFile(file, `// Generated from ${options.page} by a docs test. Do not edit.\n${module}`);
    const run: DocRun = { printed: [], dirs: [] };
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void run.printed.push(args.map(String).join(' ')));
    vi.spyOn(console, 'dir').mockImplementation((obj: unknown) => void run.dirs.push(obj));
    try {
      await import(pathToFileURL(file).href);
    } finally {
      vi.restoreAllMocks();
    }
    await rm(file);
    return run;
  } finally {
    await admin.delete(options.chroot, { recursive: true }).catch(() => {});
    await admin.close();
  }
}

/** Every `expected` line appears in `printed`, in that order (other lines may come between). */
export function expectInOrder(printed: readonly string[], expected: readonly string[]): void {
  let at = 0;
  for (const line of expected) {
    const found = printed.indexOf(line, at);
    expect(found, `expected "${line}" after line ${at} of:\n${printed.join('\n')}`).toBeGreaterThanOrEqual(0);
    at = found + 1;
  }
}
