/** Chromium switches for a headless, sandbox-free, offline launch (see headless-chromium.mjs). */
export declare const HEADLESS_CHROMIUM_ARGS: readonly string[];
