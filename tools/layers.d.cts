/** The only files that may import Electron (see layers.cjs). */
export declare const ELECTRON_FILES: readonly string[];
