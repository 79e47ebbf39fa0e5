import sharp from 'sharp';

/** The backbone's input contract: 224×224 RGB, x = (pixel − 128) / 128, as the quantized source defines it. */
export const INPUT_SIZE = 224;
export const INPUT_SCALE = 1 / 128;
export const INPUT_ZERO_POINT = 128;

/**
 * Decodes a JPEG/PNG/TIFF/WebP photograph into the backbone's input: HWC RGB float32.
 *
 * The whole image is squashed to a square (fit 'fill') with a linear kernel, because that is the resize
 * that reproduces the TFLite reference on the known-answer images (cat 0.779 vs 0.79, chickadee 0.981 vs
 * 0.98). A centre crop overshoots the cat (0.85-0.86 with any kernel), and lanczos3, sharp's default,
 * undershoots it (0.733). Squashing also keeps a lesion that is not centred inside the frame.
 */
export async function imageToInput(bytes: Buffer): Promise<Float32Array> {
  const { data, info } = await sharp(bytes, { failOn: 'error' })
    .rotate() // EXIF orientation: a phone photo held sideways must reach the model upright
    .resize(INPUT_SIZE, INPUT_SIZE, { fit: 'fill', kernel: 'linear' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || info.width !== INPUT_SIZE || info.height !== INPUT_SIZE) {
    throw new Error(
      `expected ${INPUT_SIZE}×${INPUT_SIZE}×3 after resizing, got ${info.width}×${info.height}×${info.channels}`,
    );
  }
  return rgbToInput(data);
}

/** Interleaved 8-bit RGB to the model's float scale. */
export function rgbToInput(rgb: Uint8Array): Float32Array {
  const out = new Float32Array(rgb.length);
  for (let i = 0; i < rgb.length; i++) out[i] = ((rgb[i] ?? 0) - INPUT_ZERO_POINT) * INPUT_SCALE;
  return out;
}
