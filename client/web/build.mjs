// Bundles src/ into dist/ (committed, embedded by embed.go) and the WebXR
// emulator used only by the browser tests into testdata/iwer.js.
// `node build.mjs OUT TESTOUT` writes elsewhere (dist_test.go checks that
// the committed files are what the sources build to).
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';

const out = process.argv[2] || 'dist';
const testOut = process.argv[3] || 'testdata';
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
cpSync('html', out, { recursive: true });
const common = { bundle: true, format: 'esm', target: 'es2022', minify: true, legalComments: 'linked', logLevel: 'warning' };
await esbuild.build({ ...common, entryPoints: ['src/play.js', 'src/console.js'], outdir: out });
// IWER (Meta's Immersive Web Emulation Runtime) as a classic script the
// tests inject before the page runs: it installs an emulated Quest 3 as
// navigator.xr and leaves the device at window.__xrDevice — or, with
// window.__emulate = 'visionpro' set first, an Apple Vision Pro with
// gaze-and-pinch (transient-pointer) input scripted as Safari does it
// (test/visionpro.js says how).
await esbuild.build({ ...common, format: 'iife', entryPoints: ['test/iwer-entry.js'], outfile: `${testOut}/iwer.js` });
