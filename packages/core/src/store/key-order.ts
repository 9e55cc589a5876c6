/**
 * Byte-wise (UTF-8) key order, as S3 and Azure list. JavaScript compares UTF-16 units, which agrees
 * with UTF-8 order except that surrogates (U+D800-DFFF, for characters above U+FFFF) must sort after
 * U+E000-FFFF; shifting those two ranges fixes that without encoding the strings.
 */
export function compareKeys(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  return unit >= 0xe000 ? unit - 0x800 : unit >= 0xd800 ? unit + 0x2000 : unit;
}
