'use strict';
// electron-builder hooks (beforePack, afterPack) for the one addon that must be rebuilt for Electron.
//
// better-sqlite3 is built against V8's ABI, so node_modules holds a build for Node (the CLI and the
// tests use it) that Electron cannot load. Before each arch is packed, this replaces it in place with
// a build for that Electron version and arch (a prebuilt download, or a compile with Electron's
// headers); electron-builder then copies node_modules into the app; afterwards the Node build is put
// back. sharp and tfjs-node(-gpu) are N-API addons: their installed binaries load in Electron as they
// are, so they are not rebuilt (electron-builder's npmRebuild is off for that reason).
const fs = require('node:fs');
const path = require('node:path');
const { Arch } = require('electron-builder');

const sqliteDir = (projectDir) => path.join(projectDir, 'node_modules', 'better-sqlite3');
const nodeBuild = (projectDir) => path.join(sqliteDir(projectDir), 'build', 'Release', 'better_sqlite3.node');
/** Where the Node build waits while the Electron build is packed; outside node_modules/better-sqlite3. */
const saved = (projectDir) =>
  path.join(projectDir, 'node_modules', '.cache', 'melanoma-triage', 'better_sqlite3.node');

function restoreNodeBuild(projectDir) {
  if (!fs.existsSync(saved(projectDir))) return;
  fs.copyFileSync(saved(projectDir), nodeBuild(projectDir));
  fs.rmSync(saved(projectDir));
}

/**
 * sharp loads its binary from a per-platform package (@img/sharp-<platform>-<arch>) that npm installs
 * only for the machine it runs on; packing another arch would ship an app that cannot import images.
 */
function assertSharpBinaryFor(platform, arch) {
  if (arch === 'universal') return;
  try {
    require.resolve(`@img/sharp-${platform}-${arch}/package.json`);
  } catch {
    throw new Error(
      `sharp has no binary for ${platform}-${arch} in node_modules: build the ${arch} installer on a ` +
        `${platform}-${arch} machine (the release workflow uses one runner per arch).`,
    );
  }
}

/** @param {import('electron-builder').BeforePackContext} context */
async function beforePack(context) {
  const { packager, electronPlatformName: platform } = context;
  const arch = Arch[context.arch];
  const projectDir = packager.projectDir;
  const electronVersion = packager.info.framework.version;
  assertSharpBinaryFor(platform, arch);

  // A run that stopped between the two hooks left the Node build here: put it back before saving.
  restoreNodeBuild(projectDir);
  fs.mkdirSync(path.dirname(saved(projectDir)), { recursive: true });
  fs.copyFileSync(nodeBuild(projectDir), saved(projectDir));

  const { rebuild } = await import('@electron/rebuild');
  console.log(`  • rebuilding better-sqlite3 for Electron ${electronVersion} ${platform}-${arch}`);
  await rebuild({
    buildPath: projectDir,
    electronVersion,
    platform,
    arch,
    onlyModules: ['better-sqlite3'],
    force: true,
    mode: 'sequential',
  });
}

/** @param {import('electron-builder').AfterPackContext} context */
async function afterPack(context) {
  restoreNodeBuild(context.packager.projectDir);
}

module.exports = { beforePack, afterPack, restoreNodeBuild };
