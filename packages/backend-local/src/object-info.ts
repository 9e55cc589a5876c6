import type { BigIntStats } from 'node:fs';
import type { ObjectInfo } from '@modelreg/core/backend';

export function objectInfo(info: BigIntStats): ObjectInfo {
  return {
    size: Number(info.size),
    // Every write renames a new file into place, so inode and nanosecond mtime change with each one.
    etag: `${info.ino.toString(36)}-${info.mtimeNs.toString(36)}-${info.size.toString(36)}`,
    lastModified: new Date(Number(info.mtimeMs)),
  };
}
