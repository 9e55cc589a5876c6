import type { ProgressEvent } from '@modelreg/core';
import type { Context } from './context.js';
import { formatBytes } from './output.js';

type OnProgress = ((event: ProgressEvent) => void) | undefined;

/**
 * A bytes bar on stderr for a push or pull of `totalBytes`: done/total, rate and ETA, moving as
 * core reports the bytes of each artifact. Shown on a terminal outside CI, or with `--progress`.
 * A pushed artifact whose blob was already stored moves no bytes: it jumps to done. A transfer
 * that learns its size only once it has started (a copy) sets it with `setTotal`.
 */
export async function withTransferProgress<T>(
  context: Context,
  verb: string,
  totalBytes: number,
  run: (onProgress: OnProgress, setTotal: (bytes: number) => void) => Promise<T>,
): Promise<T> {
  const { stderr, env } = context.io;
  const forced = context.options.progress;
  if (forced === false || (forced === undefined && (!stderr.isTTY || Boolean(env.CI)))) return run(undefined, () => {});

  // Loaded only when a bar is shown: most runs (CI, pipes, --json) never need it.
  const { SingleBar } = await import('cli-progress');
  const started = Date.now();
  // Bytes per artifact: events carry running totals, and artifacts move in parallel.
  const perArtifact = new Map<string, number>();
  let done = 0;
  const payload = () => ({
    done: formatBytes(done),
    size: formatBytes(totalBytes),
    rate: `${formatBytes(Math.round(done / Math.max((Date.now() - started) / 1000, 0.001)))}/s`,
  });
  const bar = new SingleBar({
    stream: stderr,
    format: `${verb} {bar} {percentage}% | {done}/{size} | {rate} | ETA {eta_formatted}`,
    hideCursor: true,
    noTTYOutput: forced === true,
    notTTYSchedule: 1000,
  });
  bar.start(Math.max(totalBytes, 1), 0, payload());
  const setTotal = (bytes: number) => {
    totalBytes = bytes;
    bar.setTotal(Math.max(bytes, 1));
    bar.update(done, payload());
  };
  try {
    return await run((event) => {
      if (event.type === 'artifact-start') return;
      const bytes = event.type === 'artifact-done' ? event.size : event.transferredBytes;
      done += bytes - (perArtifact.get(event.artifact) ?? 0);
      perArtifact.set(event.artifact, bytes);
      bar.update(done, payload());
    }, setTotal);
  } finally {
    bar.stop();
  }
}
