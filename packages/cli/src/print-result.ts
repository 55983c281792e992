import { formatTable } from './format-table.js';

/** How {@link printResult} writes a value. */
export interface PrintOptions {
  /** JSON for machines (`--json`) instead of the readable form. */
  json: boolean;
  /** Columns of a table, in order; default: the keys of the first row. */
  columns?: readonly string[];
}

/**
 * A command's result as text: pretty JSON with `json`, otherwise a table for
 * a list of records, aligned `key  value` lines for one record, or the value
 * itself. Bigints print as decimal strings in JSON.
 *
 * @example
 * ```ts
 * cli.io.stdout(printResult(models, { json: options.json, columns: ['id', 'versions'] }));
 * ```
 */
export function printResult(value: unknown, options: PrintOptions): string {
  if (options.json) return `${JSON.stringify(value, bigintAsString, 2)}\n`;
  if (Array.isArray(value)) {
    if (value.length === 0) return '(none)\n';
    const records = value as Record<string, unknown>[];
    const columns = options.columns ?? Object.keys(records[0] ?? {});
    return `${formatTable(
      columns,
      records.map((record) => columns.map((column) => cell(record[column]))),
    )}\n`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    const width = Math.max(...entries.map(([key]) => key.length));
    return `${entries.map(([key, v]) => `${key.padEnd(width)}  ${String(cell(v))}`).join('\n')}\n`;
  }
  return `${String(value)}\n`;
}

function cell(value: unknown): string | number {
  if (typeof value === 'number') return Number.isInteger(value) ? value : Number(value.toFixed(6));
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value === undefined || value === null) return '';
  return JSON.stringify(value, bigintAsString);
}

function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
