import { createHash } from 'node:crypto';
import sharp from 'sharp';
import exifr from 'exifr';
import type { ImageFormat } from '../library/images';
import { sniffFormat } from './format';

/** Full-body photographs run to 60 MP; anything far past that is more likely a decompression bomb. */
export const DEFAULT_MAX_PIXELS = 150_000_000;
export const THUMBNAIL_SIZE = 256;

export interface InspectedImage {
  format: ImageFormat;
  /** As displayed, after EXIF orientation. */
  width: number;
  height: number;
  orientation: number | null;
  /** Camera wall-clock time from EXIF, ISO-8601, with its UTC offset when the camera recorded one. */
  capturedAt: string | null;
  thumbnail: Buffer;
}

/** Why a file is not imported, in words a dermatologist can act on. */
export class ImageRejected extends Error {
  constructor(
    readonly reason: 'not-image' | 'unsupported' | 'too-many-pixels' | 'corrupt',
    message: string,
  ) {
    super(message);
    this.name = 'ImageRejected';
  }
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Checks that the bytes are a whole, supported image of acceptable size and makes its thumbnail.
 * Decoding the thumbnail reads every pixel, which is what catches truncated and corrupt files.
 */
export async function inspectImage(bytes: Buffer, maxPixels = DEFAULT_MAX_PIXELS): Promise<InspectedImage> {
  const sniffed = sniffFormat(bytes);
  if (sniffed.kind === 'not-image') throw new ImageRejected('not-image', 'not an image');
  if (sniffed.kind === 'unsupported') {
    throw new ImageRejected(
      'unsupported',
      `unsupported image format ${sniffed.name} (use JPEG, PNG, TIFF or WebP)`,
    );
  }
  let metadata: sharp.Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new ImageRejected('corrupt', `corrupt ${sniffed.format.toUpperCase()}: ${message(error)}`);
  }
  const { width, height } = metadata;
  if (!width || !height)
    throw new ImageRejected('corrupt', `corrupt ${sniffed.format.toUpperCase()}: no dimensions`);
  if (width * height > maxPixels) {
    throw new ImageRejected(
      'too-many-pixels',
      `too many pixels: ${width}×${height} is ${megapixels(width * height)} MP, over the ${megapixels(maxPixels)} MP limit`,
    );
  }
  let thumbnail: Buffer;
  try {
    thumbnail = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'warning' })
      .rotate()
      .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 80 })
      .toBuffer();
  } catch (error) {
    throw new ImageRejected(
      'corrupt',
      `corrupt or truncated ${sniffed.format.toUpperCase()}: ${message(error)}`,
    );
  }
  const upright = metadata.autoOrient ?? { width, height };
  return {
    format: sniffed.format,
    width: upright.width,
    height: upright.height,
    orientation: metadata.orientation ?? null,
    capturedAt: metadata.exif ? await captureTime(metadata.exif) : null,
    thumbnail,
  };
}

async function captureTime(exif: Buffer): Promise<string | null> {
  const tiff = exif.toString('latin1', 0, 6) === 'Exif\0\0' ? exif.subarray(6) : exif;
  try {
    const tags = (await exifr.parse(tiff, {
      pick: ['DateTimeOriginal', 'CreateDate', 'OffsetTimeOriginal'],
      reviveValues: false,
    })) as Record<string, unknown> | undefined;
    const raw = tags?.DateTimeOriginal ?? tags?.CreateDate;
    const match =
      typeof raw === 'string' ? /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(raw) : null;
    if (!match || match[1] === '0000') return null;
    const offset =
      typeof tags?.OffsetTimeOriginal === 'string' && /^[+-]\d{2}:\d{2}$/.test(tags.OffsetTimeOriginal);
    const [, y, mo, d, h, mi, s] = match;
    return `${y}-${mo}-${d}T${h}:${mi}:${s}${offset ? (tags?.OffsetTimeOriginal as string) : ''}`;
  } catch {
    // A damaged EXIF block costs the capture time, not the image.
    return null;
  }
}

function megapixels(pixels: number): string {
  return (pixels / 1e6).toFixed(1);
}

function message(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown error';
}
