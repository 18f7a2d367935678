import type { Context } from './context.js';
import { ExitCode, exitCodeFor } from './errors.js';
import { dispatch } from './registry.js';

/** Runs one command; failures are printed and become the exit code. */
export async function runLine(ctx: Context, words: readonly string[]): Promise<number> {
  try {
    return (await dispatch(ctx, words)) ?? ExitCode.OK;
  } catch (err) {
    ctx.out.error(err);
    return exitCodeFor(err);
  }
}
