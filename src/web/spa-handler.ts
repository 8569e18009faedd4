import type { NextFunction, Request, Response } from 'express';
import { isReservedPath } from './reserved-paths';
import { WebAssets } from './web-assets';

const IMMUTABLE = 'public, max-age=31536000, immutable';
// index.html names the current hashed bundles: a browser must revalidate it so a deploy is picked up.
const REVALIDATE = 'no-cache';

/**
 * Serves the built SPA: its files by exact path, and index.html for any other GET that asks for HTML
 * (deep links such as /teams/t1/flows/abc). Registered after Nest's routes, so it only sees paths no
 * controller answered; reserved prefixes pass through to Nest's JSON 404 even from a browser.
 */
export function createSpaHandler(assets: WebAssets) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isReservedPath(req.path)) return next();
    const file = assets.fileFor(req.path);
    if (file) {
      const cacheControl = WebAssets.isImmutable(req.path) ? IMMUTABLE : REVALIDATE;
      return res.sendFile(file, { root: assets.root, headers: { 'Cache-Control': cacheControl } }, (err) => err && next(err));
    }
    if (!req.accepts('html')) return next();
    res.sendFile('index.html', { root: assets.root, headers: { 'Cache-Control': REVALIDATE } }, (err) => err && next(err));
  };
}
