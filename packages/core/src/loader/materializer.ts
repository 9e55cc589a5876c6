import { randomBytes } from 'node:crypto';
import { copyFile, link, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Artifact, Manifest } from '../format/manifest.js';
import type { CacheLayout } from './cache-layout.js';
import type { FileVerifier } from './file-verifier.js';

/** Errors of `link` that mean "this filesystem cannot hard-link here", not "something is wrong". */
export const NO_LINK: ReadonlySet<string> = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EMLINK']);

/**
 * Builds a version's folder (`manifest.json` and `files/<artifact>`) from cached blobs: hard
 * links where the filesystem allows, copies otherwise. The folder is built under `tmp/` and
 * renamed into place, so another process sees either no folder or a complete one.
 */
export class Materializer {
  private linksWork: Promise<boolean> | undefined;

  constructor(
    private readonly layout: CacheLayout,
    private readonly verifier: FileVerifier,
    /** `fs.link`; replaceable so the copy path can be tested on filesystems that do link. */
    private readonly linkFile: (existing: string, created: string) => Promise<void> = link,
  ) {}

  /**
   * The version folder of `artifacts` (every artifact by default), built or rebuilt unless it is
   * already current. `blobPaths` is parallel to `artifacts`. A folder of some of the artifacts
   * lists them in `artifacts.json`, which eviction reads to know which blobs it links.
   */
  async materialize(dir: string, manifest: Manifest, blobPaths: string[], label: string, artifacts: readonly Artifact[] = manifest.artifacts): Promise<void> {
    if (await this.isCurrent(dir, artifacts, blobPaths, label)) return;
    await mkdir(this.layout.tmp, { recursive: true });
    const built = await mkdtemp(join(this.layout.tmp, 'version-'));
    try {
      await writeFile(this.layout.manifest(built), JSON.stringify(manifest, null, 2));
      if (artifacts.length < manifest.artifacts.length) await writeFile(this.layout.selection(built), JSON.stringify(artifacts.map((artifact) => artifact.name)));
      await Promise.all(artifacts.map((artifact, index) => this.place(blobPaths[index]!, this.layout.artifact(built, artifact.name))));
      await this.publish(built, dir, artifacts, blobPaths, label);
    } finally {
      await rm(built, { recursive: true, force: true });
    }
  }

  /**
   * Current when every file is there and is the cached blob itself (same inode), or, where the
   * filesystem cannot link, a copy that passes the verify policy. A link to an older copy of a
   * blob (dropped as corrupt, re-downloaded) makes the folder stale.
   */
  async isCurrent(dir: string, artifacts: readonly Artifact[], blobPaths: string[], label: string): Promise<boolean> {
    if (!(await exists(this.layout.manifest(dir)))) return false;
    const linked = await this.linksSupported();
    const current = await Promise.all(
      artifacts.map(async (artifact, index) => {
        const path = this.layout.artifact(dir, artifact.name);
        if (!linked) return (await this.verifier.check(path, artifact, `${label} artifact "${artifact.name}"`)) === 'ok';
        const [file, blob] = await Promise.all([stat(path).catch(() => undefined), stat(blobPaths[index]!).catch(() => undefined)]);
        return file !== undefined && blob !== undefined && file.ino === blob.ino && file.dev === blob.dev;
      }),
    );
    return current.every(Boolean);
  }

  private async place(blobPath: string, target: string): Promise<void> {
    await mkdir(dirname(target), { recursive: true });
    try {
      await this.linkFile(blobPath, target);
    } catch (error) {
      if (!NO_LINK.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
      await copyFile(blobPath, target);
    }
  }

  /** Renames `built` onto `dir`; a stale folder there is moved aside first, a current one (another process's) is kept. */
  private async publish(built: string, dir: string, artifacts: readonly Artifact[], blobPaths: string[], label: string): Promise<void> {
    await mkdir(dirname(dir), { recursive: true });
    for (let attempt = 0; ; attempt++) {
      try {
        await rename(built, dir);
        return;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
        if (await this.isCurrent(dir, artifacts, blobPaths, label)) return;
        if (attempt === 2) throw error;
      }
      await removeDir(dir, this.layout.tmp);
    }
  }

  private linksSupported(): Promise<boolean> {
    this.linksWork ??= (async () => {
      await mkdir(this.layout.tmp, { recursive: true });
      const probe = join(this.layout.tmp, `link-probe-${randomBytes(6).toString('hex')}`);
      try {
        await writeFile(probe, '');
        await this.linkFile(probe, `${probe}.link`);
        return true;
      } catch (error) {
        if (NO_LINK.has((error as NodeJS.ErrnoException).code ?? '')) return false;
        throw error;
      } finally {
        await Promise.all([rm(probe, { force: true }), rm(`${probe}.link`, { force: true })]);
      }
    })();
    return this.linksWork;
  }
}

/** Renames a folder aside (one atomic step for readers), then deletes it. */
export async function removeDir(dir: string, tmp: string): Promise<void> {
  const trash = join(tmp, `trash-${randomBytes(6).toString('hex')}`);
  try {
    await rename(dir, trash);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  await rm(trash, { recursive: true, force: true });
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
