import { describe, expect, it } from '@jest/globals';
import { BlockPool, blocksOf } from '../src/blocks.js';

async function collectBlocks(chunks: Buffer[], pool: BlockPool): Promise<Buffer[]> {
  const blocks: Buffer[] = [];
  // Copies, since pooled blocks are recycled once given back.
  for await (const block of blocksOf(chunks, pool)) blocks.push(Buffer.from(block));
  return blocks;
}

describe('blocksOf', () => {
  const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

  it.each([[[1000]], [[3, 7, 990]], [[64, 64, 64, 808]], [[500, 1, 499]], [[999, 1]]])('regroups chunks of %j bytes into blocks of exactly 64 bytes', async (sizes) => {
    const chunks: Buffer[] = [];
    let offset = 0;
    for (const size of sizes) chunks.push(bytes.subarray(offset, (offset += size)));
    const blocks = await collectBlocks(chunks, new BlockPool(64));
    expect(blocks.map((block) => block.length)).toEqual([...Array(15).fill(64), 1000 - 15 * 64]);
    expect(Buffer.concat(blocks).equals(bytes)).toBe(true);
  });

  it('passes a body of one short chunk on as it is, without taking a pooled buffer', async () => {
    const chunk = Buffer.from('a small manifest');
    const pool = new BlockPool(64);
    const blocks: Buffer[] = [];
    for await (const block of blocksOf([chunk], pool)) blocks.push(block);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]!.buffer).toBe(chunk.buffer); // the same memory: not copied
    expect(blocks[0]!.byteOffset).toBe(chunk.byteOffset);
    expect(blocks[0]!.equals(chunk)).toBe(true);
  });

  it('yields nothing for an empty body', async () => {
    expect(await collectBlocks([], new BlockPool(64))).toEqual([]);
  });
});

describe('BlockPool', () => {
  it('hands a returned buffer out again, also when a shorter view of it comes back', () => {
    const pool = new BlockPool(64);
    const first = pool.take();
    pool.give(first.subarray(0, 10));
    expect(pool.take()).toBe(first);
  });

  it('ignores buffers it did not hand out', () => {
    const pool = new BlockPool(64);
    const foreign = Buffer.alloc(64);
    pool.give(foreign);
    expect(pool.take()).not.toBe(foreign);
  });
});
