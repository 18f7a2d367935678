import type { TestProject } from 'vitest/node';
import { startServer } from '@zookit/testing';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A second, independent server: the target of restore/mirror/diff --against. */
    zkConnect2: string;
  }
}

/** Two servers for the cli tests: the main one (TTL nodes enabled) and a second cluster. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [a, b] = await Promise.all([startServer({ extendedTypesEnabled: true }), startServer()]);
  project.provide('zkConnect', a.connectString);
  project.provide('zkConnect2', b.connectString);
  return async () => {
    await Promise.all([a[Symbol.asyncDispose](), b[Symbol.asyncDispose]()]);
  };
}
