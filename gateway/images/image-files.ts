// The files of product photos: DATA_DIR/images/<hash>-<width>.webp, named by the SHA-256 of the upload,
// so the same photo is stored once and a name never changes content (served as immutable). Names are
// built from a checked hash and a known width only; a requested name that is not exactly that shape
// never reaches the file system.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { IMAGE_FILE_PATTERN, IMAGE_WIDTHS, type ImageWidth } from '../../protocols/index.ts';

const HASH = /^[0-9a-f]{64}$/;

export interface ImageUsage {
  files: number;
  bytes: number;
}

export class ImageFiles {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'images');
  }

  #file(hash: string, width: ImageWidth): string {
    if (!HASH.test(hash)) throw new TypeError(`not a SHA-256 hex digest: ${hash.slice(0, 80)}`);
    return path.join(this.dir, `${hash}-${width}.webp`);
  }

  /** Writes every width (each through a temporary file and a rename, so a reader never sees half). */
  async write(hash: string, files: ReadonlyMap<ImageWidth, Buffer>): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    for (const [width, data] of files) {
      const target = this.#file(hash, width);
      const tmp = path.join(this.dir, `.${randomBytes(8).toString('hex')}.tmp`);
      await fs.writeFile(tmp, data);
      await fs.rename(tmp, target);
    }
    this.#usageRead = undefined;
  }

  async remove(hash: string): Promise<void> {
    for (const w of IMAGE_WIDTHS) await fs.rm(this.#file(hash, w), { force: true });
    this.#usageRead = undefined;
  }

  /** The bytes of a served name (`<hash>-<width>.webp`), or undefined for any other name or no file. */
  async read(name: string): Promise<{ hash: string; width: ImageWidth; data: Buffer } | undefined> {
    const m = IMAGE_FILE_PATTERN.exec(name);
    if (!m) return undefined;
    const hash = m[1]!;
    const width = Number(m[2]) as ImageWidth;
    try {
      return { hash, width, data: await fs.readFile(this.#file(hash, width)) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  #usageRead: { atMs: number; usage: Promise<ImageUsage> } | undefined;

  /**
   * Bytes on disk, read at most once per `maxAgeMs` (it stats every file) and again after this node
   * wrote or removed a photo: for /healthz and /metrics, which load balancers and scrapers ask often.
   */
  usageCached(maxAgeMs = 30_000, nowMs = Date.now()): Promise<ImageUsage> {
    const last = this.#usageRead;
    if (last && nowMs - last.atMs < maxAgeMs) return last.usage;
    const usage = this.usage();
    this.#usageRead = { atMs: nowMs, usage };
    // A failed read is not kept: the next caller tries again.
    usage.catch(() => {
      if (this.#usageRead?.usage === usage) this.#usageRead = undefined;
    });
    return usage;
  }

  /** Bytes on disk (for /healthz-style reporting and tests). */
  async usage(): Promise<ImageUsage> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch {
      return { files: 0, bytes: 0 };
    }
    let bytes = 0;
    let files = 0;
    for (const n of names) {
      if (!IMAGE_FILE_PATTERN.test(n)) continue;
      files++;
      bytes += (await fs.stat(path.join(this.dir, n))).size;
    }
    return { files, bytes };
  }
}
