/**
 * Renders build/icon.svg into what each installer takes: icon.png (1024², Linux and the fallback),
 * icon.ico (Windows, 16–256 px) and icon.icns (macOS, 16–1024 px). Both containers may hold PNG
 * images, so no platform tool (iconutil, ImageMagick) is needed and the output is the same on any OS.
 * Run with `npm run icons` after changing the SVG; the outputs are committed.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { icns, ico } from './containers';

const buildDir = path.join(__dirname, '..', '..', 'build');
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** Apple's PNG-capable icns types, by pixel size (the @2x variants share the same pixels). */
const ICNS_TYPES: Array<[string, number]> = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
];

async function main(): Promise<void> {
  const svg = fs.readFileSync(path.join(buildDir, 'icon.svg'));
  const render = (size: number): Promise<Buffer> =>
    sharp(svg, { density: 72 * (size / 1024) * 4 })
      .resize(size, size)
      .png({ compressionLevel: 9 })
      .toBuffer();
  const sizes = [...new Set([...ICO_SIZES, ...ICNS_TYPES.map(([, size]) => size)])];
  const pngs = new Map(await Promise.all(sizes.map(async (size) => [size, await render(size)] as const)));
  const png = (size: number): Buffer => {
    const image = pngs.get(size);
    if (!image) throw new Error(`no ${size} px rendering`);
    return image;
  };
  fs.writeFileSync(path.join(buildDir, 'icon.png'), png(1024));
  fs.writeFileSync(path.join(buildDir, 'icon.ico'), ico(ICO_SIZES.map((size) => ({ size, png: png(size) }))));
  fs.writeFileSync(
    path.join(buildDir, 'icon.icns'),
    icns(ICNS_TYPES.map(([type, size]) => ({ type, png: png(size) }))),
  );
  console.log(`wrote build/icon.png, icon.ico (${ICO_SIZES.join(', ')} px), icon.icns`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
