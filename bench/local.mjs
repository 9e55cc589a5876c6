// Push and pull of a large random file through modelreg on the local backend, next to `cp` + `sync`
// of the same file, in alternating rounds; prints MB/s of each and the ratio (median of the rounds).
// Usage: pnpm bench:local [-- --size-mib 1024 --rounds 3 --dir /path/on/the/disk/to/test] (--help lists the settings)
import { execFileSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, closeSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRegistry } from '@modelreg/core';
import { LocalStore } from '@modelreg/backend-local';
import { benchSettings } from './support/args.mjs';

const settings = benchSettings({
  usage: 'pnpm bench:local [-- options]   (or: node bench/local.mjs [options], after pnpm build)',
  about: 'Push and pull of a large random file through modelreg on the local backend, next to cp + sync.',
  options: {
    'size-mib': { kind: 'integer', default: 1024, help: 'size of the random file in MiB' },
    rounds: { kind: 'integer', default: 3, help: 'rounds counted (after one warm-up round); the median is reported' },
    dir: { kind: 'string', default: tmpdir(), defaultText: `the temporary folder, ${tmpdir()}`, help: 'folder on the disk to test' },
  },
});
const sizeBytes = settings.sizeMib * 1024 * 1024;
const rounds = settings.rounds;
const work = mkdtempSync(join(settings.dir, 'modelreg-bench-local-'));

function makeRandomFile(path, bytes) {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(8 * 1024 * 1024);
  for (let written = 0; written < bytes; written += chunk.length) writeSync(fd, randomFillSync(chunk), 0, Math.min(chunk.length, bytes - written));
  closeSync(fd);
}

async function timed(work) {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mbps = (seconds) => sizeBytes / 1e6 / seconds;

// Each step starts the same way: its previous output (1 GiB) is deleted and the disk synced, because
// on a virtual disk a write right after a large delete runs at a different speed than one after idle.
function fresh(path) {
  rmSync(path, { recursive: true, force: true });
  execFileSync('sync');
}

try {
  const source = join(work, 'model.bin');
  makeRandomFile(source, sizeBytes);
  // cp writes into a new folder, as push and pull do: on a thin-provisioned virtual disk, where new
  // blocks land matters as much as how they are written.
  const copyDir = join(work, 'copied');
  const copy = join(copyDir, 'nested', 'copy.bin');
  const root = join(work, 'store');
  const out = join(work, 'pulled');
  const results = { cp: [], push: [], pull: [] };

  // Round 0 is a warm-up that leaves an output of every step behind; it is not counted.
  for (let round = 0; round <= rounds; round++) {
    fresh(copyDir);
    const cpSeconds = await timed(async () => {
      mkdirSync(dirname(copy), { recursive: true });
      execFileSync('cp', [source, copy]);
      execFileSync('sync', [copy]);
    });

    // A fresh store each round, so every push really stores the bytes (no dedup).
    fresh(root);
    const registry = createRegistry({ backend: new LocalStore({ root }) });
    const pushSeconds = await timed(() => registry.push('bench/local/model', [{ name: 'model.bin', body: source }]));

    fresh(out);
    mkdirSync(out);
    const pullSeconds = await timed(() => registry.pull('bench/local/model@latest', out));
    if (round === 0) continue;
    results.cp.push(cpSeconds);
    results.push.push(pushSeconds);
    results.pull.push(pullSeconds);
    console.log(`round ${round}: cp+sync ${mbps(cpSeconds).toFixed(0)} MB/s, push ${mbps(pushSeconds).toFixed(0)} MB/s, pull ${mbps(pullSeconds).toFixed(0)} MB/s`);
  }
  const cp = mbps(median(results.cp));
  const push = mbps(median(results.push));
  const pull = mbps(median(results.pull));
  console.log(`\n${(sizeBytes / 2 ** 20).toFixed(0)} MiB, median of ${rounds} rounds`);
  console.log(`cp + sync      ${cp.toFixed(0)} MB/s (baseline)`);
  console.log(`modelreg push  ${push.toFixed(0)} MB/s  ratio ${(push / cp).toFixed(2)} (target >= 0.80)`);
  console.log(`modelreg pull  ${pull.toFixed(0)} MB/s  ratio ${(pull / cp).toFixed(2)} (target >= 0.80)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
