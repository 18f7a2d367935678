import type { Context } from './context.js';
import type { Io } from './main.js';

export async function runShell(_ctx: Context, _io: Io, _options: { historyFile: string | undefined }): Promise<number> {
  return 0;
}
