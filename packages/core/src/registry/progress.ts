import type { TransferOptions } from './types.js';

/** An `onBytes` callback that reports an artifact's bytes as `artifact-progress` events, when anyone listens. */
export function reportBytes(onProgress: TransferOptions['onProgress'], artifact: string, size: number | undefined): ((transferredBytes: number) => void) | undefined {
  return onProgress && ((transferredBytes) => onProgress({ type: 'artifact-progress', artifact, size, transferredBytes }));
}
