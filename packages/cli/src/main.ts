import { run } from './run.js';

// The binary's entry: the process's own streams, environment and folder.
process.exitCode = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });
