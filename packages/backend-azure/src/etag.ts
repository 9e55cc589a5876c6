/**
 * ETags in one form everywhere: quoted, as HTTP and most Azure responses give them. Listings return
 * them bare, so without this an etag from `list` would never equal the one from `head`.
 */
export function normalizeEtag(etag: string): string {
  return etag.startsWith('"') || etag.startsWith('W/"') ? etag : `"${etag}"`;
}
