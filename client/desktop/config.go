package main

import (
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rescuedrill/rescuedrill/client"
	"github.com/rescuedrill/rescuedrill/client/desktop/internal/view"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// config is the command line.
type config struct {
	server     string
	code       string
	name       string
	lang       view.Lang
	certHash   [32]byte
	insecure   bool
	spectate   bool
	token      wire.Token
	screenshot string
	after      time.Duration
	mute       bool
	width      int
	height     int
}

func parseFlags(args []string) (config, error) {
	fs := flag.NewFlagSet("desktop", flag.ContinueOnError)
	var c config
	fs.StringVar(&c.server, "server", "localhost:4433", "the drill server's host:port")
	fs.StringVar(&c.code, "join", "", "join code: join at once instead of showing the join screen (with --name)")
	fs.StringVar(&c.name, "name", "", "display name")
	lang := fs.String("lang", "zh", "language: zh (中文) or en")
	hash := fs.String("cert-hash", "", "SHA-256 of the server's certificate as drill serve prints it (hex or base64)")
	fs.BoolVar(&c.insecure, "insecure-dev", false, "accept any server certificate (development only: drill serve's self-signed one)")
	spect := fs.String("spectate", "", "join code: watch the whole map as a spectator (the teacher's view)")
	token := fs.String("token", "", "participant token (hex) to rejoin a slot after the client restarted")
	fs.StringVar(&c.screenshot, "screenshot", "", "write one rendered frame to this PNG file and exit")
	fs.DurationVar(&c.after, "after", 3*time.Second, "with --screenshot: how long after joining to take it")
	fs.BoolVar(&c.mute, "mute", false, "no sound cues")
	fs.IntVar(&c.width, "width", 1280, "window width")
	fs.IntVar(&c.height, "height", 800, "window height")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	switch strings.ToLower(*lang) {
	case "zh", "zh-cn", "cn", "中文":
		c.lang = view.ZH
	case "en", "en-gb", "en-us":
		c.lang = view.EN
	default:
		return c, fmt.Errorf("--lang %q: use zh or en", *lang)
	}
	if *hash != "" {
		h, err := parseHash(*hash)
		if err != nil {
			return c, err
		}
		c.certHash = h
	}
	if *spect != "" {
		c.spectate, c.code = true, *spect
	}
	if *token != "" {
		b, err := hex.DecodeString(*token)
		if err != nil || len(b) != len(c.token) {
			return c, errors.New("--token: 32 hex digits")
		}
		copy(c.token[:], b)
	}
	if c.screenshot != "" && c.code == "" {
		return c, errors.New("--screenshot needs --join CODE --name NAME or --spectate CODE")
	}
	return c, nil
}

// parseHash reads a SHA-256 in hex (colons allowed) or base64.
func parseHash(s string) ([32]byte, error) {
	var h [32]byte
	s = strings.TrimSpace(s)
	if b, err := hex.DecodeString(strings.ReplaceAll(s, ":", "")); err == nil && len(b) == 32 {
		copy(h[:], b)
		return h, nil
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == 32 {
		copy(h[:], b)
		return h, nil
	}
	return h, fmt.Errorf("--cert-hash %q: want 64 hex digits or base64 of 32 bytes", s)
}

// options is how the client dials for this config.
func (c config) options(code, name string, lang view.Lang) client.Options {
	o := client.Options{Addr: c.server, JoinCode: strings.ToUpper(strings.TrimSpace(code)), Name: name, Lang: lang.Tag(),
		Datagrams: true, CertHash: c.certHash, Token: c.token, EventBuffer: 1024,
		// A server that died is given up after this much silence by the
		// library (it pings a quiet server, so a paused drill is not dead);
		// the session's watchdog then rejoins with the token.
		DeadAfter: view.StallReconnect}
	if d, err := os.UserCacheDir(); err == nil {
		// The map is sent once per server and drill map, not at every join.
		o.TerrainCache = client.FileCache{Path: filepath.Join(d, "rescuedrill", "terrain.bin")}
	}
	if c.insecure {
		// drill serve's development certificate is self-signed; the flag
		// says so on purpose (never the default).
		o.TLS = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // --insecure-dev
		o.CertHash = [32]byte{}
	}
	if c.spectate {
		o.Role = wire.RoleSpectator
		if o.Name == "" {
			o.Name = "teacher"
		}
	}
	return o
}
