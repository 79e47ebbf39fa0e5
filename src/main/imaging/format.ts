import type { ImageFormat } from '../library/images';

export type SniffResult =
  { kind: 'supported'; format: ImageFormat } | { kind: 'unsupported'; name: string } | { kind: 'not-image' };

const startsWith = (bytes: Buffer, signature: number[], offset = 0): boolean =>
  signature.every((byte, i) => bytes[offset + i] === byte);
const ascii = (bytes: Buffer, start: number, end: number): string => bytes.toString('latin1', start, end);

/**
 * Tells an image from anything else by its first bytes, never by its extension: a photograph renamed
 * .txt is still imported, and a text file renamed .jpg is reported as not an image.
 */
export function sniffFormat(bytes: Buffer): SniffResult {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { kind: 'supported', format: 'jpeg' };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { kind: 'supported', format: 'png' };
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) {
    return { kind: 'supported', format: 'tiff' };
  }
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP')
    return { kind: 'supported', format: 'webp' };
  const unsupported = unsupportedImageName(bytes);
  return unsupported ? { kind: 'unsupported', name: unsupported } : { kind: 'not-image' };
}

function unsupportedImageName(bytes: Buffer): string | undefined {
  const head = ascii(bytes, 0, 6);
  if (head.startsWith('GIF8')) return 'GIF';
  if (head.startsWith('BM')) return 'BMP';
  if (head.startsWith('8BPS')) return 'Photoshop (PSD)';
  if (startsWith(bytes, [0x00, 0x00, 0x01, 0x00])) return 'ICO';
  if (startsWith(bytes, [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20])) return 'JPEG 2000';
  if (startsWith(bytes, [0x49, 0x49, 0x2b, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2b]))
    return 'BigTIFF';
  if (ascii(bytes, 4, 8) === 'ftyp') {
    const brand = ascii(bytes, 8, 12);
    if (['heic', 'heix', 'hevc', 'mif1', 'msf1'].includes(brand)) return 'HEIC/HEIF';
    if (brand === 'avif' || brand === 'avis') return 'AVIF';
    return undefined;
  }
  return undefined;
}
