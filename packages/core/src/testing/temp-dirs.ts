import { afterAll, afterEach, beforeAll, beforeEach } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError } from '../backend.js';

/** A temporary folder that exists only while the tests it was made for run. */
export interface TempDir {
  /** The folder's absolute path; reading it while the folder does not exist throws. */
  readonly path: string;
}

/**
 * A fresh, empty folder `<os.tmpdir()>/modelreg-<label>-XXXXXX` for each test of the file or
 * describe block this is called in, removed with all it holds after the test.
 *
 * The folder's beforeEach and afterEach are registered by this call, and jest runs the hooks of one
 * block in the order they were registered: hooks that read `.path` come after this call, and an
 * afterEach that must still find the folder (closing something that writes into it) comes before it.
 */
export function tempDirPerTest(label: string): TempDir {
  return registerTempDir(`tempDirPerTest('${label}')`, label, beforeEach, afterEach, 'inside a test or its beforeEach/afterEach hooks');
}

/**
 * One folder `<os.tmpdir()>/modelreg-<label>-XXXXXX` shared by all the tests of the file or
 * describe block this is called in: made in a beforeAll, removed with all it holds in an afterAll,
 * both registered by this call (so a beforeAll that reads `.path` comes after it).
 */
export function tempDirPerBlock(label: string): TempDir {
  return registerTempDir(`tempDirPerBlock('${label}')`, label, beforeAll, afterAll, 'inside the tests and hooks of the file or describe block that made it');
}

type Hook = (run: () => Promise<void>) => void;

// A label is part of a folder name: a separator or `..` would place the folder outside os.tmpdir().
const FOLDER_NAME_PART = /^[\w-]+$/;

function registerTempDir(call: string, label: string, create: Hook, remove: Hook, availability: string): TempDir {
  if (!FOLDER_NAME_PART.test(label)) {
    throw new InvalidInputError(`${call}: the label becomes part of a folder name; use letters, digits, '_' and '-' only`);
  }
  let current: string | undefined;
  create(async () => {
    current = await mkdtemp(join(tmpdir(), `modelreg-${label}-`));
  });
  remove(async () => {
    const path = current;
    current = undefined;
    if (path !== undefined) await rm(path, { recursive: true, force: true });
  });
  return {
    get path() {
      if (current === undefined) {
        throw new Error(`${call}.path is only available ${availability}, not while tests are being defined or after the folder was removed`);
      }
      return current;
    },
  };
}
