/**
 * The installers' configuration, checked offline: electron-builder's own schema validation, the
 * fields the app relies on, and every file the configuration names. Packing itself is in
 * test/integration/packaging.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';
import { Arch, type Configuration, type TargetConfiguration } from 'electron-builder';
import { minimatch } from 'minimatch';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { icnsTypes, icoSizes } from '../../tools/icons/containers';
import { REPO, entries, loadBuilderConfig } from '../helpers/builder-config';
import { useTempDirs } from '../helpers/temp-dirs';

/** build/hooks/native-modules.cjs, as electron-builder calls it. */
interface NativeHooks {
  beforePack(context: unknown): Promise<void>;
  afterPack(context: unknown): Promise<void>;
  restoreNodeBuild(projectDir: string): void;
}
const hooks = createRequire(__filename)(path.join(REPO, 'build/hooks/native-modules.cjs')) as NativeHooks;

function targets(platform: Configuration['mac'] | Configuration['win'] | Configuration['linux']) {
  const list = platform?.target;
  return (Array.isArray(list) ? list : [list]).map((target) =>
    typeof target === 'string' ? { target, arch: undefined } : (target as TargetConfiguration),
  );
}

describe('electron-builder configuration', () => {
  it('passes electron-builder’s own schema validation, which does reject a misspelt option', async () => {
    const config = await loadBuilderConfig();
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(
      validateConfiguration({ ...config, asarUnpak: ['x'] } as Configuration, new DebugLogger(false)),
    ).rejects.toThrow(/asarUnpak/);
  });

  it('flips the fuses a packaged app should not need: NODE_OPTIONS, --inspect, loading outside the asar', async () => {
    const config = await loadBuilderConfig();
    expect(config.electronFuses).toMatchObject({
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
    });
  });

  it('targets NSIS on Windows, dmg for x64 and arm64 on macOS, AppImage and deb on Linux', async () => {
    const config = await loadBuilderConfig();
    expect(targets(config.win)).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    expect(targets(config.mac)).toEqual([{ target: 'dmg', arch: ['x64', 'arm64'] }]);
    expect(targets(config.linux).map((t) => t.target)).toEqual(['AppImage', 'deb']);
  });

  // electron-builder matches asarUnpack with minimatch ({ dot: true }) on paths relative to the app;
  // the same minimatch it resolves is used here, on the paths each addon has once installed (tfjs-node
  // is not installed on this machine: its paths are written out, not read from node_modules).
  it('unpacks every native addon and the libraries they load from the asar', async () => {
    const config = await loadBuilderConfig();
    const patterns = entries(config.asarUnpack ?? null).filter((p): p is string => typeof p === 'string');
    const unpacked = (file: string) => patterns.some((p) => minimatch(file, p, { dot: true }));
    for (const file of [
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'node_modules/sharp/lib/sharp.js',
      'node_modules/@img/sharp-linux-x64/lib/sharp-linux-x64.node',
      'node_modules/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.8.17.3',
      'node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node',
      'node_modules/@tensorflow/tfjs-node-gpu/deps/lib/libtensorflow.so.2',
    ]) {
      expect(unpacked(file), file).toBe(true);
    }
    expect(unpacked('node_modules/@tensorflow/tfjs-core/dist/index.js')).toBe(false);
    expect(unpacked('out/main/index.js')).toBe(false);
  });

  it('ships resources/ as process.resourcesPath/resources, where src/main/index.ts looks', async () => {
    const config = await loadBuilderConfig();
    const sets = entries(config.extraResources ?? null);
    expect(sets).toEqual([expect.objectContaining({ from: 'resources', to: 'resources' })]);
    for (const dir of ['backbone/mobilenet_v2', 'models/default', 'training/ham10000']) {
      expect(fs.readdirSync(path.join(REPO, 'resources', dir)).length, dir).toBeGreaterThan(0);
    }
    const index = fs.readFileSync(path.join(REPO, 'src/main/index.ts'), 'utf8');
    expect(index).toContain("path.join(process.resourcesPath, 'resources')");
  });

  it('rebuilds only better-sqlite3 for Electron, in hooks that exist and export what it calls', async () => {
    const config = await loadBuilderConfig();
    expect(config.npmRebuild).toBe(false);
    expect(config.beforePack).toBe('./build/hooks/native-modules.cjs');
    expect(config.afterPack).toBe('./build/hooks/native-modules.cjs');
    expect(typeof hooks.beforePack).toBe('function');
    expect(typeof hooks.afterPack).toBe('function');
  });

  it('names icons that exist: a 1024 px PNG, an ICO up to 256 px, an ICNS up to 1024 px', async () => {
    const config = await loadBuilderConfig();
    expect(config.directories?.buildResources).toBe('build');
    const png = await sharp(path.join(REPO, String(config.linux?.icon))).metadata();
    expect([png.format, png.width, png.height]).toEqual(['png', 1024, 1024]);
    const ico = fs.readFileSync(path.join(REPO, String(config.win?.icon)));
    expect(icoSizes(ico)).toContain(256);
    const icns = fs.readFileSync(path.join(REPO, String(config.mac?.icon)));
    expect(icnsTypes(icns)).toEqual(expect.arrayContaining(['ic09', 'ic10']));
  });

  it('has the scripts the README and the workflow run', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      main: string;
    };
    expect(pkg.scripts.dist).toMatch(/npm run build && electron-builder/);
    expect(pkg.main).toBe('./out/main/index.js');
    const workflow = fs.readFileSync(path.join(REPO, '.github/workflows/release.yml'), 'utf8');
    for (const runner of ['windows-latest', 'macos-latest', 'ubuntu-latest'])
      expect(workflow).toContain(runner);
  });
});

describe('the native-module hooks', () => {
  const tmp = useTempDirs();

  it('refuses to pack an arch whose sharp binary is not installed, before touching node_modules', async () => {
    const projectDir = tmp();
    const otherArch = process.arch === 'arm64' ? Arch.x64 : Arch.arm64;
    const context = {
      packager: { projectDir, info: { framework: { version: '38.8.6' } } },
      electronPlatformName: process.platform,
      arch: otherArch,
    };
    await expect(hooks.beforePack(context)).rejects.toThrow(/sharp has no binary for/);
    expect(fs.readdirSync(projectDir)).toEqual([]);
  });

  it('puts the Node build of better-sqlite3 back after packing, and only once', () => {
    const projectDir = tmp();
    const release = path.join(projectDir, 'node_modules/better-sqlite3/build/Release');
    const saved = path.join(projectDir, 'node_modules/.cache/melanoma-triage/better_sqlite3.node');
    fs.mkdirSync(release, { recursive: true });
    fs.mkdirSync(path.dirname(saved), { recursive: true });
    fs.writeFileSync(path.join(release, 'better_sqlite3.node'), 'electron build');
    fs.writeFileSync(saved, 'node build');
    hooks.restoreNodeBuild(projectDir);
    expect(fs.readFileSync(path.join(release, 'better_sqlite3.node'), 'utf8')).toBe('node build');
    expect(fs.existsSync(saved)).toBe(false);
    hooks.restoreNodeBuild(projectDir); // nothing saved: leaves the build alone
    expect(fs.readFileSync(path.join(release, 'better_sqlite3.node'), 'utf8')).toBe('node build');
  });
});
