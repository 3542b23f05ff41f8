// The command-line switches every headless Chromium launch in this repository uses: the HTML report's
// browser test and the docs site's screenshots. One list, so the two cannot drift apart.

/**
 * Chromium switches for a headless, sandbox-free, offline launch (a container runs as root, and a
 * test must fetch nothing on its own).
 */
export const HEADLESS_CHROMIUM_ARGS = Object.freeze([
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
]);
