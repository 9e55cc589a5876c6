import { expect, it } from '@jest/globals';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sha256 } from '../src/format/digest.js';
import { HashingStream } from '../src/blobs/hashing-streams.js';
import { DurableFileWriter, writeFileAtomic } from '../src/fs/index.js';
import { pseudoRandomStream } from '../src/testing/helpers.js';
import { tempDirPerTest } from '../src/testing/index.js';

const dir = tempDirPerTest('durable');

it('writes every byte, across several background flushes', async () => {
  const { stream, digest } = pseudoRandomStream(100 * 1024 * 1024 + 123);
  const path = join(dir.path, 'big');
  await pipeline(stream, new DurableFileWriter(path));
  const check = new HashingStream();
  await pipeline(createReadStream(path), check, async (source: AsyncIterable<Buffer>) => {
    for await (const _ of source);
  });
  expect(check.digest).toBe(digest);
  expect((await stat(path)).size).toBe(100 * 1024 * 1024 + 123);
});

it('never overwrites an existing file', async () => {
  const path = join(dir.path, 'existing');
  await writeFile(path, 'keep me');
  await expect(pipeline(Readable.from([Buffer.from('new')]), new DurableFileWriter(path))).rejects.toMatchObject({ code: 'EEXIST' });
  expect(await readFile(path, 'utf8')).toBe('keep me');
});

it('writes small bodies made of many chunks in order', async () => {
  const chunks = Array.from({ length: 1000 }, (_, i) => Buffer.from(`${i},`));
  const path = join(dir.path, 'small');
  await pipeline(Readable.from(chunks), new DurableFileWriter(path));
  expect(sha256(await readFile(path))).toBe(sha256(Buffer.concat(chunks)));
});

it('leaves no temp file when the source fails before the file is even created', async () => {
  // Fail on the first read, racing the writer's open(): the temp file must still be gone afterwards.
  for (let attempt = 0; attempt < 20; attempt++) {
    const failing = new Readable({ read() { this.destroy(new Error('source broke')); } });
    await expect(writeFileAtomic(join(dir.path, 'target'), failing)).rejects.toThrow('source broke');
    expect(await readdir(dir.path)).toEqual([]);
  }
});
