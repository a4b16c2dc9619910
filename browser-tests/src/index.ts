/** The browser test harness: esbuild browser bundles, a COOP/COEP static server, headless Chromium. */
export { type BrowserBundleOptions, bundleFileForBrowser, bundleForBrowser } from './bundle.js';
export { findChromium, launchChromium } from './chromium.js';
export { type StaticServer, serve } from './server.js';
