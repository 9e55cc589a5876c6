import { expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const built = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const script = `
  const { S3Store } = await import(${JSON.stringify(built)});
  new S3Store({ bucket: 'models', endpoint: 'http://127.0.0.1:9' });
  await new Promise((resolve) => setImmediate(resolve));
`;

async function stderrOfNewStore(environment: NodeJS.ProcessEnv): Promise<string> {
  const { stderr } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { env: environment });
  return stderr;
}

it("keeps the SDK's Node version warning out of a user's output, unless the user asked for it", async () => {
  expect(existsSync(built)).toBe(true); // the child process loads the built package: run `pnpm build` first
  const { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _, ...environment } = process.env;
  expect(await stderrOfNewStore(environment)).not.toContain('NodeVersionSupportWarning');
  const asked = await stderrOfNewStore({ ...environment, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' });
  if (Number(process.versions.node.split('.')[0]) < 22) expect(asked).toContain('NodeVersionSupportWarning');
});
