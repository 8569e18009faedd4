import { extname } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import { isReservedPath } from './reserved-paths';
import { type AssetEncoding, WebAssets } from './web-assets';

const IMMUTABLE = 'public, max-age=31536000, immutable';
// index.html names the current hashed bundles: a browser must revalidate it so a deploy is picked up.
const REVALIDATE = 'no-cache';

/**
 * Serves the built SPA: its files by exact path, and index.html for any other GET that asks for HTML
 * (deep links such as /teams/t1/flows/abc). Registered after Nest's routes, so it only sees paths no
 * controller answered; reserved prefixes pass through to Nest's JSON 404 even from a browser.
 * A file with precompressed copies is sent as the best one the browser accepts (brotli, then gzip).
 */
export function createSpaHandler(assets: WebAssets) {
  const send = (req: Request, res: Response, next: NextFunction, urlPath: string, cacheControl: string) => {
    const file = assets.fileFor(urlPath)!;
    const headers: Record<string, string> = { 'Cache-Control': cacheControl };
    const encodings = assets.encodingsOf(urlPath);
    let sent = file;
    if (encodings.length) {
      res.vary('Accept-Encoding'); // caches in between must keep one copy per encoding
      // Ours in our order (smallest first) among those the browser accepts at all: browsers list gzip
      // before br with equal weight, and a negotiation by the header's order would always send gzip.
      const chosen: AssetEncoding | undefined = encodings.find((encoding) => req.acceptsEncodings(encoding) === encoding);
      if (chosen) {
        sent = assets.encodedFile(urlPath, chosen)!;
        res.type(extname(file)); // the original's type: send would name the copy's (.br, .gz)
        headers['Content-Encoding'] = chosen;
      }
    }
    res.sendFile(sent, { root: assets.root, headers }, (err) => err && next(err));
  };
  return (req: Request, res: Response, next: NextFunction): void => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isReservedPath(req.path)) return next();
    if (assets.fileFor(req.path)) return send(req, res, next, req.path, WebAssets.isImmutable(req.path) ? IMMUTABLE : REVALIDATE);
    if (!req.accepts('html')) return next();
    send(req, res, next, '/index.html', REVALIDATE);
  };
}
