import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

/** Native and heavy modules stay in node_modules: bundling them breaks their .node bindings. */
const nativeDeps = ['better-sqlite3', 'sharp', /^@tensorflow\//];

/**
 * Vite's dev server injects an inline React Refresh preamble, which the strict CSP in index.html forbids.
 * Only under `electron-vite dev` do we allow inline scripts; the built app keeps the strict policy.
 */
function relaxCspForDevServer(): Plugin {
  return {
    name: 'triage:relax-csp-for-dev-server',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"),
  };
}

/**
 * The window's first script only asks for the queue's first page, then imports the app's code: this
 * has the browser fetch that code alongside the first script instead of after it.
 */
function preloadAppCode(chunkName: string): Plugin {
  return {
    name: 'triage:preload-app-code',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: (_html, { bundle }) => {
        const chunk = Object.values(bundle ?? {}).find(
          (output) => output.type === 'chunk' && output.name === chunkName,
        );
        if (!chunk) throw new Error(`the renderer build has no chunk named ${chunkName}`);
        const attrs = { rel: 'modulepreload', crossorigin: true, href: `./${chunk.fileName}` };
        return [{ tag: 'link', attrs, injectTo: 'head' }];
      },
    },
  };
}

export default defineConfig({
  main: {
    build: {
      // optionalDependencies are not externalized by default, and tfjs-node lives there.
      externalizeDeps: { include: ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'] },
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          cli: resolve(__dirname, 'src/main/cli/index.ts'),
          // The model process's entry: forked by the CLI, a utilityProcess in the app.
          'model-worker': resolve(__dirname, 'src/main/model/process/worker.ts'),
        },
        external: nativeDeps,
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only 'electron', so everything else must be bundled in.
      externalizeDeps: false,
      rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      // electron-vite leaves the renderer unminified; minified, the window's script parses in half the time.
      minify: true,
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
    plugins: [react(), relaxCspForDevServer(), preloadAppCode('startApp')],
  },
});
