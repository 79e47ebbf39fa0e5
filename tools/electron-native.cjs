#!/usr/bin/env node
'use strict';
// Electron and Node load native addons built for different ABIs. npm builds better-sqlite3 for Node,
// which the CLI and the tests use; this builds a second copy for Electron into .native/electron/, which
// the app loads (src/main/index.ts), so that neither breaks the other. sharp and tfjs-node use N-API
// and load in both as they are. It needs the internet once: the prebuilt binary, or Electron's headers.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const electronVersion = require('electron/package.json').version;
const sqlite = path.dirname(require.resolve('better-sqlite3/package.json'));
const sqliteVersion = require('better-sqlite3/package.json').version;
const outDir = path.join(root, '.native', 'electron');
const binary = path.join(outDir, 'better_sqlite3.node');
const stampFile = path.join(outDir, 'stamp.json');
const stamp = JSON.stringify({
  electronVersion,
  sqliteVersion,
  platform: process.platform,
  arch: process.arch,
});

if (fs.existsSync(binary) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) {
  process.exit(0);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'triage-native-'));
try {
  for (const entry of ['package.json', 'binding.gyp', 'src', 'deps']) {
    fs.cpSync(path.join(sqlite, entry), path.join(work, entry), { recursive: true });
  }
  const run = (script, args) =>
    execFileSync(process.execPath, [script, ...args], { cwd: work, stdio: 'inherit' });
  const target = ['--arch', process.arch];
  try {
    run(require.resolve('prebuild-install/bin.js'), [
      '--runtime',
      'electron',
      '--target',
      electronVersion,
      ...target,
    ]);
  } catch {
    console.log(`No prebuilt better-sqlite3 for Electron ${electronVersion}; building it from source.`);
    run(require.resolve('node-gyp/bin/node-gyp.js'), [
      'rebuild',
      '--release',
      `--target=${electronVersion}`,
      `--arch=${process.arch}`,
      '--dist-url=https://electronjs.org/headers',
    ]);
  }
  fs.mkdirSync(outDir, { recursive: true });
  fs.copyFileSync(path.join(work, 'build', 'Release', 'better_sqlite3.node'), binary);
  fs.writeFileSync(stampFile, stamp);
  console.log(
    `better-sqlite3 ${sqliteVersion} built for Electron ${electronVersion}: ${path.relative(root, binary)}`,
  );
} catch (error) {
  console.error(
    `Could not build better-sqlite3 for Electron ${electronVersion} (${error.message}).\n` +
      'This needs the internet once, or a C++ toolchain with Electron headers.',
  );
  process.exit(1);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
