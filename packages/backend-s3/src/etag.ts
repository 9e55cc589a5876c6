/**
 * ETags without their surrounding quotes (and a weak `W/` marker), the form modelreg hands out and
 * sends back in `IfMatch`: Ceph RGW only matches the unquoted form, and AWS accepts both.
 */
export function normalizeEtag(etag: string | undefined): string {
  return (etag ?? '').replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}
