import { expect, it } from '@jest/globals';
import { runRemoteSession } from '../../cli/test/support/remote-session.js';
import { modelreg, withTempDir } from '../../cli/test/support/cli.js';
import { s3TestConfig, uniquePrefixes } from './support/s3-test-config.js';

/** A prefix no other test uses; its objects are deleted after the test. */
const uniquePrefix = uniquePrefixes('cli');

/**
 * The environment a user would have: keys in the SDK's standard variables, and the SDK's Node
 * version warning left at its default so the test sees whether it reaches the terminal.
 */
function userEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  const { accessKeyId, secretAccessKey } = s3TestConfig();
  return {
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined,
    AWS_PROFILE: undefined,
    AWS_ENDPOINT_URL: undefined,
    AWS_ENDPOINT_URL_S3: undefined,
    ...extra,
  };
}

it('runs a CLI session on the S3 server with the endpoint in the registry URL', async () => {
  const { bucket, endpoint, region } = s3TestConfig();
  await runRemoteSession(`s3://${bucket}/${uniquePrefix()}?endpoint=${encodeURIComponent(endpoint)}&region=${region}`, userEnv());
});

it('takes the endpoint from AWS_ENDPOINT_URL_S3, and reports refused credentials in one line without the secret', async () => {
  const { bucket, endpoint, region } = s3TestConfig();
  const registry = `s3://${bucket}/${uniquePrefix()}`;
  await withTempDir(async (cwd) => {
    const env = userEnv({ AWS_ENDPOINT_URL_S3: endpoint, AWS_REGION: region });
    expect(await modelreg(['--json', 'ls', '-r', registry], { cwd, env })).toEqual({ code: 0, stdout: '{\n  "stores": []\n}\n', stderr: '' });
    const stats = await modelreg(['--json', 'stats', '-r', registry], { cwd, env });
    expect(JSON.parse(stats.stdout).registry).toBe(`${registry} at ${endpoint}`);

    const secret = 'not-the-right-secret-key';
    const refused = await modelreg(['ls', '-r', registry], { cwd, env: { ...env, AWS_SECRET_ACCESS_KEY: secret } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^modelreg: S3 .* was refused \(SignatureDoesNotMatch, HTTP 403/);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).not.toContain(secret);
  });
});
