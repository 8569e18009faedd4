import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * The files of a built web UI, listed once at startup: the build does not change while the process
 * runs, and serving only listed files means no request path ever reaches the file system unchecked.
 */
export class WebAssets {
  private constructor(
    readonly root: string,
    /** URL path (`/assets/index-1a2b.js`) → file path relative to root. */
    private readonly files: ReadonlyMap<string, string>,
  ) {}

  static load(root: string): WebAssets | undefined {
    if (!existsSync(join(root, 'index.html'))) return undefined;
    const files = new Map<string, string>();
    for (const file of listFiles(root)) {
      const rel = relative(root, file);
      files.set(`/${rel.split(sep).join('/')}`, rel);
    }
    return new WebAssets(root, files);
  }

  fileFor(urlPath: string): string | undefined {
    return this.files.get(urlPath);
  }

  /** Vite names everything under /assets/ by content hash, so those files never change under one URL. */
  static isImmutable(urlPath: string): boolean {
    return urlPath.startsWith('/assets/');
  }
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : entry.isFile() ? [path] : [];
  });
}
