/**
 * Vitest integration: `@zookit/testing/vitest`.
 *
 * In `vitest.config.ts`:
 * ```ts
 * export default defineConfig({ test: { globalSetup: ['@zookit/testing/vitest'] } });
 * ```
 * In a test:
 * ```ts
 * import { inject } from 'vitest';
 * import { uniqueChroot } from '@zookit/testing/vitest';
 * const connectString = inject('zkConnect') + uniqueChroot();
 * ```
 * Or let {@link chrootClients} make the clients of each test in a fresh chroot, and close them after it.
 * @packageDocumentation
 */
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startServer, type StartServerOptions } from './server.js';

export {
  chrootClients,
  expireSharedSession,
  uniqueChroot,
  type ChrootClient,
  type ChrootClientConfig,
  type ChrootClientOptions,
  type ChrootClients,
  type ProxiedClient,
} from './chroot-clients.js';

declare module 'vitest' {
  /** Values provided by the `@zookit/testing/vitest` global setup. */
  export interface ProvidedContext {
    /** `host:port` of the ZooKeeper server shared by the test project. */
    zkConnect: string;
  }
}

/**
 * Start one standalone server for the test project (or use `ZOOKEEPER_CONNECT`), make its
 * connect string available as `inject('zkConnect')`, and return the teardown that stops
 * it. Also exported as `default`, so this module can be named directly in
 * `test.globalSetup`.
 *
 * @param project - the vitest project (passed by vitest)
 * @param options - server options (when called from a custom global setup file)
 */
export async function globalSetup(project: Pick<TestProject, 'provide'>, options: StartServerOptions = {}): Promise<() => Promise<void>> {
  const server = await startServer(options);
  project.provide('zkConnect', server.connectString);
  return async () => {
    await server[Symbol.asyncDispose]();
  };
}

export default globalSetup;
