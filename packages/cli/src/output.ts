import Table from 'cli-table3';
import pc from 'picocolors';
import { describeError, errorJson } from './errors.js';
import { hex } from './format.js';

/** Where `zk` writes: stdout and stderr as plain writers. */
export interface Writer {
  write(text: string): unknown;
}

/** The colour functions used by commands (identity functions when colour is off). */
export type Colors = ReturnType<typeof pc.createColors>;

/** JSON.stringify replacer: bigints (zxids, session ids) as `0x…` hex strings, Buffers as UTF-8. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return hex(value);
  return value;
}

/**
 * How a command's results are printed: human text (tables aligned by `cli-table3`,
 * colour by `picocolors` only when stdout is a terminal), or one JSON document per
 * line (NDJSON) with `--json`.
 */
export class Output {
  readonly json: boolean;
  readonly c: Colors;
  readonly #out: Writer;
  readonly #err: Writer;

  constructor(out: Writer, err: Writer, options: { json: boolean; color: boolean }) {
    this.#out = out;
    this.#err = err;
    this.json = options.json;
    this.c = pc.createColors(options.color && !options.json);
  }

  /** Prints a line of human text (nothing in `--json` mode). */
  line(text = ''): void {
    if (!this.json) this.#out.write(`${text}\n`);
  }

  /** Prints raw text to stdout (both modes). */
  raw(text: string): void {
    this.#out.write(text);
  }

  /** A note on stderr (both modes; never part of the data on stdout). */
  note(text: string): void {
    this.#err.write(`${text}\n`);
  }

  /** One result: a JSON line in `--json` mode, else what `human` returns (if anything). */
  emit(value: unknown, human?: () => string | undefined): void {
    if (this.json) {
      this.#out.write(`${JSON.stringify(value, jsonReplacer)}\n`);
      return;
    }
    const text = human?.();
    if (text !== undefined) this.#out.write(`${text}\n`);
  }

  /** Rows as an aligned table (human), or one JSON line per row. */
  table(rows: ReadonlyArray<Record<string, unknown>>, columns: ReadonlyArray<readonly [key: string, header: string]>): void {
    if (this.json) {
      for (const row of rows) this.emit(row);
      return;
    }
    if (rows.length === 0) return;
    const table = new Table({
      head: columns.map(([, h]) => this.c.bold(h)),
      chars: {
        top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '',
        'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
      },
      style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
    });
    for (const row of rows) table.push(columns.map(([k]) => cell(row[k])));
    this.#out.write(`${table.toString().split('\n').map((l) => l.trimEnd()).join('\n')}\n`);
  }

  /**
   * Records: one JSON line per record, as it is, in `--json` mode; else `empty` as a note when
   * there are none, or a table of the rows `human(record)` makes of them.
   */
  records<T>(
    records: readonly T[],
    empty: string,
    human: (record: T) => Record<string, unknown>,
    columns: ReadonlyArray<readonly [key: string, header: string]>,
  ): void {
    if (this.json) return void records.forEach((r) => this.emit(r));
    if (records.length === 0) return this.note(empty);
    this.table(records.map(human), columns);
  }

  /** Reports a failed command on stderr: one line (a JSON line in `--json` mode). */
  error(err: unknown, prefix = 'zk'): void {
    if (this.json) this.#err.write(`${JSON.stringify(errorJson(err), jsonReplacer)}\n`);
    else this.#err.write(`${this.c.red(`${prefix}: ${describeError(err)}`)}\n`);
  }
}

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'bigint') return hex(v);
  if (typeof v === 'object') return JSON.stringify(v, jsonReplacer);
  return String(v);
}
