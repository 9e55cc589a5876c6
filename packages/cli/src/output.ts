import { formatViewJson } from '@modelreg/core';
import Table from 'cli-table3';

/** Where a command writes; the process streams in production. */
export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** One JSON document on its own lines (the same document the web view's API serves). */
export function formatJson(value: unknown): string {
  return `${formatViewJson(value, 2)}\n`;
}

/** A table without colours or padding surprises, so it reads the same in a terminal and a CI log. */
export function table(head: string[], rows: Array<Array<string | number>>): string {
  const output = new Table({ head, style: { head: [], border: [], compact: true } });
  output.push(...rows.map((row) => row.map(String)));
  return output.toString();
}

/** Label/value rows for one object (`info`, `stats`). */
export function keyValueTable(rows: Array<[string, string | number]>): string {
  const output = new Table({ style: { head: [], border: [], compact: true } });
  output.push(...rows.map(([key, value]) => ({ [key]: String(value) })));
  return output.toString();
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${UNITS[unit]}`;
}

/** `2026-11-23 10:39` (UTC): precise enough for a table, the same on every machine. */
export function formatDate(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** `a=1, b=2` for small records in a table cell. */
export function formatRecord(record: Record<string, unknown>): string {
  return Object.entries(record)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}
