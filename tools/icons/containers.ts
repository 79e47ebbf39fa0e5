/** The ICO and ICNS containers, holding PNG images; also read back by the packaging test. */

export interface IcoEntry {
  size: number;
  png: Buffer;
}

/** ICO: a 6-byte header, one 16-byte directory entry per image, then the images (PNG since Vista). */
export function ico(entries: IcoEntry[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1: icon
  header.writeUInt16LE(entries.length, 4);
  let offset = 6 + 16 * entries.length;
  const directory = entries.map(({ size, png }) => {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size >= 256 ? 0 : size, 0); // 0 means 256
    entry.writeUInt8(size >= 256 ? 0 : size, 1);
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    return entry;
  });
  return Buffer.concat([header, ...directory, ...entries.map((entry) => entry.png)]);
}

/** Sizes in an ICO file, from its directory (256 for the 0 that stands for it). */
export function icoSizes(file: Buffer): number[] {
  if (file.readUInt16LE(2) !== 1) throw new Error('not an icon file');
  const count = file.readUInt16LE(4);
  return Array.from({ length: count }, (_, i) => file.readUInt8(6 + 16 * i) || 256);
}

export interface IcnsEntry {
  /** A four-character OSType such as ic10 (1024 px PNG). */
  type: string;
  png: Buffer;
}

/** ICNS: 'icns' and the file's length (big-endian), then per image its type, length (with the 8-byte head), data. */
export function icns(entries: IcnsEntry[]): Buffer {
  const chunks = entries.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const header = Buffer.alloc(8);
  header.write('icns', 0, 'ascii');
  header.writeUInt32BE(8 + chunks.reduce((sum, chunk) => sum + chunk.length, 0), 4);
  return Buffer.concat([header, ...chunks]);
}

/** The types in an ICNS file, walking its chunks. */
export function icnsTypes(file: Buffer): string[] {
  if (file.toString('ascii', 0, 4) !== 'icns' || file.readUInt32BE(4) !== file.length) {
    throw new Error('not an icns file');
  }
  const types: string[] = [];
  for (let at = 8; at < file.length; at += file.readUInt32BE(at + 4)) {
    types.push(file.toString('ascii', at, at + 4));
  }
  return types;
}
