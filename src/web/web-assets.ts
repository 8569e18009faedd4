import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** The encodings a build may hold precompressed copies in (web/scripts/precompress.mjs), best first. */
export const ASSET_ENCODINGS = ['br', 'gzip'] as const;
export type AssetEncoding = (typeof ASSET_ENCODINGS)[number];
const SUFFIX: Record<AssetEncoding, string> = { br: '.br', gzip: '.gz' };

interface AssetFile {
  /** Relative to root. */
  path: string;
  /** Precompressed copies of it, by encoding (relative paths). */
  encoded: Partial<Record<AssetEncoding, string>>;
}

/**
 * The files of a built web UI, listed once at startup: the build does not change while the process
 * runs, and serving only listed files means no request path ever reaches the file system unchecked.
 * A file's `.br` / `.gz` copies are not files of their own: they are what it is sent as.
 */
export class WebAssets {
  private constructor(
    readonly root: string,
    /** URL path (`/assets/index-1a2b.js`) → the file and its compressed copies. */
    private readonly files: ReadonlyMap<string, AssetFile>,
  ) {}

  static load(root: string): WebAssets | undefined {
    if (!existsSync(join(root, 'index.html'))) return undefined;
    const all = new Set(listFiles(root).map((file) => relative(root, file)));
    const copies = new Set([...all].filter((rel) => ASSET_ENCODINGS.some((encoding) => rel.endsWith(SUFFIX[encoding]) && all.has(rel.slice(0, -SUFFIX[encoding].length)))));
    const files = new Map<string, AssetFile>();
    for (const rel of all) {
      if (copies.has(rel)) continue;
      const encoded = Object.fromEntries(ASSET_ENCODINGS.filter((encoding) => copies.has(rel + SUFFIX[encoding])).map((encoding) => [encoding, rel + SUFFIX[encoding]]));
      files.set(`/${rel.split(sep).join('/')}`, { path: rel, encoded });
    }
    return new WebAssets(root, files);
  }

  fileFor(urlPath: string): string | undefined {
    return this.files.get(urlPath)?.path;
  }

  /** The encodings a copy of the file exists in, best first (empty: it is only sent as it is). */
  encodingsOf(urlPath: string): AssetEncoding[] {
    const file = this.files.get(urlPath);
    return file ? ASSET_ENCODINGS.filter((encoding) => file.encoded[encoding]) : [];
  }

  /** The relative path of the file's copy in `encoding`. */
  encodedFile(urlPath: string, encoding: AssetEncoding): string | undefined {
    return this.files.get(urlPath)?.encoded[encoding];
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
