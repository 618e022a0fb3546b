// Package e2e holds the desktop client's end-to-end test: the real client,
// built from ./client/desktop, renders a frame under Xvfb against a live
// drill server with network bots, and the test reads the pixels. It is a
// package of its own because a test binary that imports ebiten panics at
// init on a machine without an X display.
package e2e
