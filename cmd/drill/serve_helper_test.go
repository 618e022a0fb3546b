package main

import (
	"context"
	"io"
	"log/slog"
	"testing"
)

// inProcessServer runs drill serve's server on 127.0.0.1:0 with its data
// in data until the test ends. It does not set environment variables, so
// parallel tests may call it.
func inProcessServer(t *testing.T, data string) *drillServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ds, err := startServer(ctx, serveOptions{Addr: "127.0.0.1:0", Data: data}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- ds.serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-served
		ds.close()
	})
	return ds
}
