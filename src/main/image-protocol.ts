/**
 * The only way image bytes reach the window: triage-image://image/<id> (the photograph) and
 * triage-image://thumb/<id> (its 256 px thumbnail). The renderer names an image by its library id, never
 * by a path; the file is looked up in the library and must resolve, links followed, inside the image
 * store. Kept free of 'electron' so tests drive it directly; main wires it with protocol.handle.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { IMAGE_SCHEME } from '../api/channels';
import type { Library } from './library';

export { IMAGE_SCHEME };

export interface ImageResponse {
  status: 200 | 400 | 403 | 404;
  contentType: string;
  body: Buffer | string;
}

const CONTENT_TYPES: Record<string, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
};

export async function serveImage(library: Library, url: string): Promise<ImageResponse> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refuse(400, 'not a URL');
  }
  const kind = parsed.hostname;
  const id = /^\/(\d{1,12})$/.exec(parsed.pathname)?.[1];
  if (
    parsed.protocol !== `${IMAGE_SCHEME}:` ||
    (kind !== 'image' && kind !== 'thumb') ||
    !id ||
    parsed.search
  ) {
    return refuse(400, `expected ${IMAGE_SCHEME}://image/<id> or ${IMAGE_SCHEME}://thumb/<id>`);
  }
  const image = library.images.byId(Number(id));
  if (!image) return refuse(404, `no image ${id}`);
  const file =
    kind === 'thumb'
      ? library.store.thumbnailPath(image.sha256)
      : library.store.originalPath(image.sha256, image.format);
  let real: string;
  try {
    real = await fs.realpath(file);
  } catch {
    return refuse(404, `image ${id} has no file in the store`);
  }
  const storeRoot = await fs.realpath(library.store.root);
  if (!real.startsWith(storeRoot + path.sep))
    return refuse(403, `image ${id} resolves outside the image store`);
  const bytes = await fs.readFile(real);
  if (kind === 'thumb') return { status: 200, contentType: 'image/jpeg', body: bytes };
  const contentType = CONTENT_TYPES[image.format];
  if (contentType) return { status: 200, contentType, body: bytes };
  // Browsers do not show TIFF: it is converted, upright, to PNG, which loses nothing.
  return { status: 200, contentType: 'image/png', body: await sharp(bytes).rotate().png().toBuffer() };
}

function refuse(status: ImageResponse['status'], message: string): ImageResponse {
  return { status, contentType: 'text/plain; charset=utf-8', body: message };
}
