package main

import (
	"fmt"
	"net"
	"testing"
)

// refuseFirstConnection makes the page's first WebTransport go to port, a
// UDP port on the loopback where nothing listens: its ready promise
// rejects before any session, which is how a server that turns the
// connection away (CONNECTION_REFUSED while a class joins at once) looks
// to the page.
func refuseFirstConnection(port int) string {
	return fmt.Sprintf(`(() => {
	const Real = window.WebTransport;
	window.__wtOpened = 0;
	window.__wtFirstError = null;
	window.WebTransport = class extends Real {
		constructor(url, opts) {
			const n = ++window.__wtOpened;
			super(n === 1 ? url.replace(/:\d+\//, ':%d/') : url, opts);
			if (n === 1) this.ready.catch((e) => { window.__wtFirstError = String(e); });
		}
	};
})();`, port)
}

// closedUDPPort returns a loopback UDP port that was free a moment ago.
func closedUDPPort(t *testing.T) int {
	t.Helper()
	u, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	port := u.LocalAddr().(*net.UDPAddr).Port
	u.Close()
	return port
}

// TestWebJoinKnocksAgain: a participant page turned away before its session
// opened knocks again by itself and joins, as the first participant (slot
// 0: the refused try made no one), instead of leaving a pupil looking at
// an error.
func TestWebJoinKnocksAgain(t *testing.T) {
	_, ctx, _ := openXRPage(t, "Knock", "en", refuseFirstConnection(closedUDPPort(t)))
	waitJS(t, ctx, "the first connection refused", `window.__wtFirstError !== null`)
	waitJS(t, ctx, "the Welcome after a refused first try",
		`window.__drill.joined === true && window.__drill.slot === 0 && window.__drill.openRetries === 1 && window.__wtOpened === 2`)
	waitJS(t, ctx, "the status cleared", `document.getElementById('status').textContent === ''`)
}
