// The one list of the files that may import Electron, read by eslint.config.js (no-restricted-imports)
// and by tools/check-layers.ts (run by npm run lint). CommonJS so that eslint.config.js can require it.

/**
 * The only files that may touch Electron; everything else stays testable in plain Node. Paths are from the
 * repository root; a trailing `/**` stands for everything under that folder.
 */
const ELECTRON_FILES = [
  'src/main/index.ts',
  'src/main/window.ts',
  'src/main/ipc.ts',
  'src/main/protocol.ts',
  'src/main/model-host.ts',
  'src/preload/**',
];

module.exports = { ELECTRON_FILES };
