import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { IMAGE_SCHEME, serveImage } from '../../src/main/image-protocol';
import { importFolders } from '../../src/main/importer/import-folders';
import { openLibrary } from '../../src/main/library';
import { HAM_FIXTURES, useTempDirs } from '../helpers/temp-dirs';

describe('the image protocol', () => {
  const tempDir = useTempDirs();

  async function libraryWithImages(): Promise<{ library: ReturnType<typeof openLibrary>; ids: number[] }> {
    const root = tempDir();
    const photos = path.join(root, 'photos');
    fs.mkdirSync(photos);
    fs.copyFileSync(path.join(HAM_FIXTURES, 'ISIC_0024306.jpg'), path.join(photos, 'a.jpg'));
    await sharp(path.join(HAM_FIXTURES, 'ISIC_0024307.jpg')).tiff().toFile(path.join(photos, 'b.tif'));
    const library = openLibrary(path.join(root, 'library'));
    await importFolders(library, { folders: [photos], patient: 'P-1', actor: 'test' });
    const ids = library.db.prepare('SELECT id FROM images ORDER BY original_name').pluck().all() as number[];
    return { library, ids };
  }

  it('serves a stored image and its thumbnail by id, TIFF as PNG', async () => {
    const { library, ids } = await libraryWithImages();
    const [jpeg, tiff] = ids as [number, number];
    const image = await serveImage(library, `${IMAGE_SCHEME}://image/${jpeg}`);
    expect(image).toMatchObject({ status: 200, contentType: 'image/jpeg' });
    expect(image.body).toEqual(fs.readFileSync(path.join(HAM_FIXTURES, 'ISIC_0024306.jpg')));
    const thumb = await serveImage(library, `${IMAGE_SCHEME}://thumb/${jpeg}`);
    expect(thumb.contentType).toBe('image/jpeg');
    expect((await sharp(thumb.body as Buffer).metadata()).width).toBeLessThanOrEqual(256);
    const converted = await serveImage(library, `${IMAGE_SCHEME}://image/${tiff}`);
    expect(converted.contentType).toBe('image/png');
    expect(await sharp(converted.body as Buffer).metadata()).toMatchObject({
      format: 'png',
      width: 200,
      height: 150,
    });
    library.close();
  });

  it('refuses paths, traversal, other schemes and unknown ids', async () => {
    const { library, ids } = await libraryWithImages();
    const refused = [
      `${IMAGE_SCHEME}://image/../../../etc/passwd`,
      `${IMAGE_SCHEME}://image/%2e%2e%2f%2e%2e%2fetc%2fpasswd`,
      `${IMAGE_SCHEME}://image/${ids[0]}/../../library.db`,
      `${IMAGE_SCHEME}://file/${ids[0]}`,
      `${IMAGE_SCHEME}://image/${ids[0]}?path=/etc/passwd`,
      `${IMAGE_SCHEME}://image//etc/passwd`,
      `file:///etc/passwd`,
      `${IMAGE_SCHEME}://image/1e3`,
      'not a url',
    ];
    for (const url of refused) {
      const response = await serveImage(library, url);
      expect(response.status, url).toBe(400);
      expect(response.contentType, url).toMatch(/^text\/plain/);
    }
    expect((await serveImage(library, `${IMAGE_SCHEME}://image/999`)).status).toBe(404);
    library.close();
  });

  it('refuses a stored file that a link points outside the store', async () => {
    const { library, ids } = await libraryWithImages();
    const image = library.images.byId(ids[0]!)!;
    const stored = library.store.originalPath(image.sha256, image.format);
    const outside = path.join(tempDir(), 'secret.jpg');
    fs.writeFileSync(outside, 'not for the window');
    fs.rmSync(stored);
    fs.symlinkSync(outside, stored);
    const response = await serveImage(library, `${IMAGE_SCHEME}://image/${ids[0]}`);
    expect(response.status).toBe(403);
    expect(response.body).not.toContain('not for the window');
    fs.rmSync(stored);
    expect((await serveImage(library, `${IMAGE_SCHEME}://image/${ids[0]}`)).status).toBe(404);
    library.close();
  });
});
