import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

/**
 * Writes `count` distinct JPEG photographs (each a different colour field with noise, so no two share
 * bytes) and returns their paths.
 */
export async function writeSyntheticJpegs(
  dir: string,
  count: number,
  size = { width: 64, height: 48 },
): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const file = path.join(dir, `photo-${String(i).padStart(4, '0')}.jpg`);
    await sharp({
      create: {
        width: size.width,
        height: size.height,
        channels: 3,
        background: { r: (i * 37) % 256, g: (i * 91) % 256, b: (i * 53) % 256 },
        noise: { type: 'gaussian', mean: 128, sigma: 30 },
      },
    })
      .jpeg({ quality: 85 })
      .toFile(file);
    files.push(file);
  }
  return files;
}

/** A JPEG as a phone writes one: rotated by EXIF orientation 6, with a capture time and UTC offset. */
export async function orientedJpeg(width: number, height: number): Promise<Buffer> {
  const base = await sharp({ create: { width, height, channels: 3, background: '#b06040' } })
    .jpeg()
    .withExif({ IFD2: { DateTimeOriginal: '2025:03:14 09:26:53', OffsetTimeOriginal: '+01:00' } })
    .toBuffer();
  return sharp(base).withMetadata({ orientation: 6 }).jpeg().toBuffer();
}

/**
 * A PNG whose header claims 50,000 × 50,000 pixels (2.5 gigapixels) over a few bytes of data: the shape
 * of a decompression bomb, which must be refused before anything is decoded.
 */
export function pixelBombPng(): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(50_000, 0);
  header.writeUInt32BE(50_000, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
