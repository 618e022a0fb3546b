// Package webclient holds the browser side of RescueDrill: the participant
// page (three.js, WebXR) and the facilitator console, written as ES modules
// under src/ and bundled by esbuild (npm run build) into dist/, which is
// committed and embedded here so drill serve needs no Node at run time.
// server/web serves Dist.
package webclient

import "embed"

// Dist is the built site: index.html (participant), console.html
// (facilitator) and their bundles.
//
//go:embed all:dist
var Dist embed.FS
