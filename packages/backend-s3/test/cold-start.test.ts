import { expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const built = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** The CommonJS modules (by path) a new process has loaded after `script`. */
async function modulesLoadedBy(script: string): Promise<string[]> {
  const report = `console.log(JSON.stringify(Object.keys((await import('node:module')).createRequire(import.meta.url).cache)));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', `${script}\n${report}`]);
  return JSON.parse(stdout) as string[];
}

it('leaves the multipart upload library unloaded until a multipart upload, so a loader process starts faster', async () => {
  expect(existsSync(built)).toBe(true); // the child process loads the built package: run `pnpm build` first
  const afterImport = await modulesLoadedBy(`
    const { S3Store } = await import(${JSON.stringify(built)});
    new S3Store({ bucket: 'models', endpoint: 'http://127.0.0.1:9' });
  `);
  expect(afterImport.some((path) => path.includes('client-s3'))).toBe(true); // the probe sees what was loaded
  expect(afterImport.filter((path) => path.includes('lib-storage'))).toEqual([]);
});
