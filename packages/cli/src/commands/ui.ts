import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { type Context, action } from '../context.js';
import type { Io } from '../output.js';
import { parseCount } from '../options.js';

interface UiOptions {
  port: string;
  host: string;
  open?: boolean;
  token?: string;
}

export function registerUi(program: Command, io: Io): void {
  program
    .command('ui')
    .description('serve a read-only web view of the registry (lines, versions, metric charts, lineage, compare) and print its URL; Ctrl-C stops it')
    .option('--port <n>', 'port to listen on (0: any free port)', '7420')
    .option('--host <address>', 'address to listen on; anything but loopback requires an access token', '127.0.0.1')
    .option('--token <token>', 'access token for a non-loopback --host (default: $MODELREG_UI_TOKEN, else generated and printed)')
    .option('--open', 'open the URL in the default browser')
    .action(action(io, ui));
}

async function ui(context: Context, options: UiOptions): Promise<void> {
  const port = options.port === '0' ? 0 : parseCount(options.port, '--port', 1);
  const registry = await context.registry();
  // Loaded only here, so other commands do not pay for the web view's modules at start.
  const { startUiServer } = await import('@modelreg/ui');
  const token = options.token ?? context.io.env.MODELREG_UI_TOKEN;
  const server = await startUiServer({ registry, host: options.host, port, ...(token ? { token } : {}) });
  const location = await context.location();
  context.print({ url: server.url, registry: location, readOnly: true }, () =>
    [
      `modelreg web view of ${location}`,
      `  ${server.url}`,
      server.token === undefined ? '  (loopback only: nobody else can connect)' : '  Listening beyond loopback: the URL holds the access token, share it only with people who may read this registry.',
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );
  if (options.open) openBrowser(server.url, context.io);
  await new Promise<void>((resolve) => {
    const stop = () => void server.close().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/** The platform's own opener; a failure only warns, the server keeps running. */
function openBrowser(url: string, io: Io): void {
  const [command, ...args] = process.platform === 'darwin' ? ['open', url] : process.platform === 'win32' ? ['cmd', '/c', 'start', '""', url] : ['xdg-open', url];
  const child = spawn(command!, args, { stdio: 'ignore', detached: true });
  child.on('error', (error) => io.stderr.write(`modelreg: warning: could not open a browser (${error.message}); open ${url} yourself.\n`));
  child.unref();
}
