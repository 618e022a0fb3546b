// Bundles src/ into dist/ (committed, embedded by embed.go) and the WebXR
// emulator used only by the browser tests into testdata/iwer.js.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist');
cpSync('html', 'dist', { recursive: true });
const common = { bundle: true, format: 'esm', target: 'es2022', minify: true, legalComments: 'linked', logLevel: 'info' };
await esbuild.build({ ...common, entryPoints: ['src/play.js', 'src/console.js'], outdir: 'dist', sourcemap: false });
// IWER (Meta's Immersive Web Emulation Runtime) as a classic script the
// tests inject before the page runs: it installs an emulated Quest 3 as
// navigator.xr and leaves the device at window.__xrDevice.
await esbuild.build({ ...common, format: 'iife', entryPoints: ['test/iwer-entry.js'], outfile: 'testdata/iwer.js' });
