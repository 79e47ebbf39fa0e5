/**
 * Packs the app with electron-builder itself (its real file matching, node_modules collection, asar
 * and asarUnpack, extraResources), offline, and checks what the package holds. What is simulated:
 * Electron's binary (a stand-in folder passed as electronDist, since it cannot be downloaded here),
 * the target (Linux `dir`: no installer is made), electron-vite's output (one stub file per entry
 * in electron.vite.config.ts, copied in as out/), and the hooks that rebuild better-sqlite3 for
 * Electron (they need the network: tested in test/unit/packaging-config.test.ts and by the release
 * workflow's smoke test).
 */
import fs from 'node:fs';
import path from 'node:path';
import { listPackage } from '@electron/asar';
import { build, Platform, type Configuration } from 'electron-builder';
import { describe, expect, it } from 'vitest';
import viteConfig from '../../electron.vite.config';
import { REPO, entries, loadBuilderConfig } from '../helpers/builder-config';
import { useTempDirs } from '../helpers/temp-dirs';

const tmp = useTempDirs();

/** Every file under dir, relative to it, with / separators. */
function walk(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const relative = prefix + entry.name;
    return entry.isDirectory() ? walk(path.join(dir, entry.name), `${relative}/`) : [relative];
  });
}

/** out/ as electron-vite writes it: main/<input>.js per main input, preload/index.js, renderer/index.html. */
function stubBuild(outDir: string): string[] {
  const config = viteConfig as { main?: { build?: { rollupOptions?: { input?: unknown } } } };
  const inputs = Object.keys(config.main?.build?.rollupOptions?.input ?? {});
  const files = [...inputs.map((name) => `main/${name}.js`), 'preload/index.js', 'renderer/index.html'];
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(outDir, file)), { recursive: true });
    fs.writeFileSync(path.join(outDir, file), '// stub\n');
  }
  return files;
}

describe('the packed app', () => {
  it('holds the bundle, production modules and the model, and no sources, tests or docs', async () => {
    const work = tmp('triage-pack-');
    const built = stubBuild(path.join(work, 'out'));
    expect(built).toEqual(expect.arrayContaining(['main/index.js', 'main/model-worker.js', 'main/cli.js']));

    const fakeElectron = path.join(work, 'electron');
    fs.mkdirSync(fakeElectron);
    fs.writeFileSync(path.join(fakeElectron, 'electron'), '#!/bin/sh\n', { mode: 0o755 });

    // The repository's configuration (electron-builder reads `files` as one set whose filter is the
    // list), with out/ taken from the stub build instead of the checkout's own out/.
    const real = await loadBuilderConfig();
    const [main, ...others] = entries(real.files ?? null);
    const patterns = typeof main === 'object' && main.from == null ? [main.filter ?? []].flat() : [];
    expect(patterns).toContain('out/**/*');
    const config: Configuration = {
      ...real,
      files: [
        { filter: patterns.filter((pattern) => pattern !== 'out/**/*') },
        { from: path.join(work, 'out'), to: 'out', filter: ['**/*'] },
        ...others,
      ],
      directories: { ...real.directories, output: path.join(work, 'release') },
      electronDist: fakeElectron,
      // The stand-in binary has no fuse wire to flip; packaging-config.test.ts checks the fuses asked for.
      electronFuses: null,
      beforePack: null,
      afterPack: null,
    };
    const configFile = path.join(work, 'electron-builder.json');
    fs.writeFileSync(configFile, JSON.stringify(config));
    await build({
      projectDir: REPO,
      config: configFile,
      targets: Platform.LINUX.createTarget('dir'),
      publish: 'never',
    });

    const resources = path.join(work, 'release', 'linux-unpacked', 'resources');
    const inAsar = listPackage(path.join(resources, 'app.asar'), { isPack: false }).map((f) =>
      f.replace(/\\/g, '/').replace(/^\//, ''),
    );
    const own = inAsar.filter((file) => !file.startsWith('node_modules'));
    for (const file of built) expect(own).toContain(`out/${file}`);
    expect(own).toContain('package.json');
    // Only the bundle and package.json: no src, test, docs, tools, bench, .cache, ../shared, README.
    expect(
      own.filter((file) => file !== 'out' && !file.startsWith('out/') && file !== 'package.json'),
    ).toEqual([]);
    expect(inAsar.filter((file) => /\.(ts|tsx)$/.test(file) && !file.startsWith('node_modules/'))).toEqual(
      [],
    );

    // Production dependencies only: the runtime's modules, none of the dev tools.
    expect(inAsar).toContain('node_modules/@tensorflow/tfjs/package.json');
    expect(inAsar).toContain('node_modules/zod/package.json');
    for (const dev of ['electron', 'vite', 'vitest', 'electron-builder', 'typescript', 'react']) {
      expect(inAsar, dev).not.toContain(`node_modules/${dev}/package.json`);
    }

    // Native addons beside the asar, where they can be loaded; better-sqlite3's sources left out.
    const unpacked = walk(path.join(resources, 'app.asar.unpacked'));
    expect(unpacked).toContain('node_modules/better-sqlite3/build/Release/better_sqlite3.node');
    expect(
      unpacked.some((file) => /^node_modules\/@img\/sharp-[^/]+\/lib\/sharp-[^/]+\.node$/.test(file)),
    ).toBe(true);
    expect(unpacked.some((file) => file.startsWith('node_modules/@img/sharp-libvips-'))).toBe(true);
    expect([...inAsar, ...unpacked].filter((f) => f.startsWith('node_modules/better-sqlite3/deps/'))).toEqual(
      [],
    );

    // resources/ beside the app, as process.resourcesPath/resources: the model, backbone, training set.
    const shipped = walk(path.join(resources, 'resources')).sort();
    const expected = walk(path.join(REPO, 'resources'))
      .filter((file) => file !== 'README.md')
      .sort();
    expect(shipped).toEqual(expected);
    expect(shipped).toEqual(expect.arrayContaining(['models/default/model.json', 'models/default/top.bin']));
  }, 600_000);
});
