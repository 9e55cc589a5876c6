import type { BuildResult, Metafile } from 'esbuild';

export declare const BUNDLED_PACKAGES: string[];
export declare function bundlePackage(name: string, options?: { write?: boolean }): Promise<BuildResult & { metafile: Metafile }>;
