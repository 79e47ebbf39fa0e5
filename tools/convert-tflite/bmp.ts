/**
 * A small BMP reader for the known-answer images (cat.bmp, bird.bmp), which sharp cannot decode. Only
 * uncompressed 24-bit and 32-bit files: this is tool and test code, and the product never imports BMP.
 */

export interface RgbImage {
  width: number;
  height: number;
  /** Interleaved RGB, top row first. */
  rgb: Uint8Array;
}

const BI_RGB = 0;
const BI_BITFIELDS = 3;

export function decodeBmp(bytes: Uint8Array): RgbImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 54 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) throw new Error('not a BMP file');
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (headerSize < 40) throw new Error(`BMP core headers (${headerSize} bytes) are not supported`);
  const width = view.getInt32(18, true);
  const signedHeight = view.getInt32(22, true);
  const bitsPerPixel = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  const plain =
    compression === BI_RGB || (compression === BI_BITFIELDS && bitsPerPixel === 32 && hasBgraMasks(view));
  if ((bitsPerPixel !== 24 && bitsPerPixel !== 32) || !plain) {
    throw new Error(
      `only uncompressed 24/32-bit BMP is supported (${bitsPerPixel} bits, compression ${compression})`,
    );
  }
  // Positive height means rows are stored bottom-up.
  const height = Math.abs(signedHeight);
  const bytesPerPixel = bitsPerPixel / 8;
  const stride = Math.ceil((width * bytesPerPixel) / 4) * 4;
  if (width <= 0 || height === 0 || dataOffset + stride * height > bytes.byteLength) {
    throw new Error(`BMP ${width}×${height} does not fit in ${bytes.byteLength} bytes`);
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = dataOffset + stride * (signedHeight > 0 ? height - 1 - y : y);
    for (let x = 0; x < width; x++) {
      const from = row + x * bytesPerPixel;
      const to = (y * width + x) * 3;
      rgb[to] = bytes[from + 2] ?? 0;
      rgb[to + 1] = bytes[from + 1] ?? 0;
      rgb[to + 2] = bytes[from] ?? 0;
    }
  }
  return { width, height, rgb };
}

function hasBgraMasks(view: DataView): boolean {
  return (
    view.getUint32(54, true) === 0x00ff0000 &&
    view.getUint32(58, true) === 0x0000ff00 &&
    view.getUint32(62, true) === 0x000000ff
  );
}
