import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { access, mkdir, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { InvalidInputError } from '../src/index.js';
import { type TempDir, tempDirPerBlock, tempDirPerTest } from '../src/testing/index.js';

// Tests of one file run in order, so a later test (or an afterAll) checks what an earlier one left.
const exists = (path: string) => access(path).then(() => true, () => false);
/** What `read` throws; undefined when it returns. */
function thrownBy(read: () => unknown): unknown {
  try {
    read();
    return undefined;
  } catch (error) {
    return error;
  }
}
const unavailable = (call: string) => new RegExp(`^${call.replace(/[()]/g, '\\$&')}\\.path is only available inside`);

/** Each test's folder as seen by an afterEach registered before the helper, with whether it still existed. */
const afterEachSaw: Array<{ path: string; existed: boolean }> = [];
afterEach(async () => {
  afterEachSaw.push({ path: dir.path, existed: await exists(dir.path) });
});
const dir = tempDirPerTest('temp-dirs');
const readWhileDefining = thrownBy(() => dir.path);
let readInBeforeAll: unknown;
beforeAll(() => {
  readInBeforeAll = thrownBy(() => dir.path);
});
afterAll(async () => {
  expect(afterEachSaw.length).toBeGreaterThan(0);
  for (const { path } of afterEachSaw) expect(await exists(path)).toBe(false);
  expect(() => dir.path).toThrow(unavailable("tempDirPerTest('temp-dirs')"));
});

it('gives a test an empty folder of its own in the system temp folder, named after the label', async () => {
  expect(dirname(dir.path)).toBe(tmpdir());
  expect(basename(dir.path)).toMatch(/^modelreg-temp-dirs-\w{6}$/);
  expect(await readdir(dir.path)).toEqual([]);
  await mkdir(join(dir.path, 'nested', 'deeper'), { recursive: true });
  await writeFile(join(dir.path, 'nested', 'deeper', 'model.bin'), 'weights');
});

it('gives the next test another folder; the previous one is gone with all it held', async () => {
  const [previous] = afterEachSaw;
  expect(previous?.existed).toBe(true); // the afterEach registered before the helper still found it
  expect(dir.path).not.toBe(previous!.path);
  expect(await exists(previous!.path)).toBe(false);
  expect(await readdir(dir.path)).toEqual([]);
});

it('refuses to read the path while tests are being defined or in a beforeAll, naming the helper and label', () => {
  expect(readWhileDefining).toBeInstanceOf(Error);
  expect((readWhileDefining as Error).message).toMatch(unavailable("tempDirPerTest('temp-dirs')"));
  expect((readInBeforeAll as Error).message).toMatch(unavailable("tempDirPerTest('temp-dirs')"));
});

it('refuses a label that would put the folder outside the system temp folder', () => {
  for (const label of ['../escape', 'a/b', '', 'a b']) {
    expect(() => tempDirPerTest(label)).toThrow(InvalidInputError);
  }
  expect(() => tempDirPerBlock('a/b')).toThrow(/tempDirPerBlock\('a\/b'\): the label becomes part of a folder name/);
});

let inner!: TempDir;
const innerPaths: string[] = [];
describe('called inside a describe block', () => {
  inner = tempDirPerTest('temp-dirs-inner');

  it.each([1, 2])('gives test %d of the block a folder beside the file-level one', async () => {
    expect(await exists(inner.path)).toBe(true);
    expect(await exists(dir.path)).toBe(true);
    expect(basename(inner.path)).toMatch(/^modelreg-temp-dirs-inner-/);
    expect(inner.path).not.toBe(dir.path);
    innerPaths.push(inner.path);
  });
});

it('removed the folder of each test in the block, and refuses to read the path outside the block', async () => {
  expect(innerPaths).toHaveLength(2);
  expect(innerPaths[0]).not.toBe(innerPaths[1]);
  for (const path of innerPaths) expect(await exists(path)).toBe(false);
  expect(() => inner.path).toThrow(unavailable("tempDirPerTest('temp-dirs-inner')"));
});

let shared!: TempDir;
const sharedPaths: string[] = [];
describe('one folder for a whole block', () => {
  shared = tempDirPerBlock('temp-dirs-shared');
  let readInLaterBeforeAll: string;
  beforeAll(async () => {
    readInLaterBeforeAll = shared.path;
    await writeFile(join(shared.path, 'seed.txt'), 'seeded once');
  });

  it.each([1, 2])('is the same folder in test %d, holding what the beforeAll wrote', async () => {
    expect(shared.path).toBe(readInLaterBeforeAll);
    expect(basename(shared.path)).toMatch(/^modelreg-temp-dirs-shared-/);
    expect(await readdir(shared.path)).toEqual(['seed.txt']);
    sharedPaths.push(shared.path);
  });
});

it('removed the shared folder after the block, and refuses to read the path outside the block', async () => {
  expect(sharedPaths).toHaveLength(2);
  expect(await exists(sharedPaths[0]!)).toBe(false);
  expect(() => shared.path).toThrow(unavailable("tempDirPerBlock('temp-dirs-shared')"));
});
