import type { Metafile } from 'esbuild';

export declare const BUNDLED_PACKAGES: string[];
/** The metafile covers both passes (the entries built together and the thin entries). */
export declare function bundlePackage(name: string, options?: { write?: boolean }): Promise<{ metafile: Metafile }>;
