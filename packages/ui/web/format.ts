// How numbers and dates read on the page.

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function bytes(count: number): string {
  const exponent = count <= 0 ? 0 : Math.min(BYTE_UNITS.length - 1, Math.floor(Math.log2(count) / 10));
  const scaled = count / 1024 ** exponent;
  return `${exponent === 0 ? scaled : scaled.toFixed(scaled < 10 ? 2 : 1)} ${BYTE_UNITS[exponent]}`;
}

/** `2026-11-23 10:39` UTC, as the CLI's tables print it. */
export function date(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** Six significant digits, full precision in the tooltip. */
export function number(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : String(Number(value.toPrecision(6)));
}

export function json(value: unknown): string {
  return value === null || value === undefined ? '-' : typeof value === 'string' ? value : JSON.stringify(value);
}
