package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/aws-port-sync/aws-port-sync/internal/temporalx"
)

// serveCodec serves the payload codec on addr until the returned stop is called.
func serveCodec(addr, uiOrigin string) (stop func(), err error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("codec server on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: temporalx.CodecHandler(uiOrigin), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	return func() { _ = srv.Close() }, nil
}

// runCodecServer is `starter codec-server`: point the Web UI's codec endpoint
// (or the CLI's --codec-endpoint) at it to read compressed entity batches.
func runCodecServer(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("codec-server", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8234", "listen address")
	origin := fs.String("ui-origin", "http://127.0.0.1:8233", "the Web UI's origin, allowed by CORS")
	if err := fs.Parse(args); err != nil {
		return err
	}
	stop, err := serveCodec(*addr, *origin)
	if err != nil {
		return err
	}
	defer stop()
	fmt.Printf("codec server on http://%s (Web UI origin %s); Ctrl-C stops it\n", *addr, *origin)
	<-ctx.Done()
	if errors.Is(ctx.Err(), context.Canceled) {
		return nil
	}
	return ctx.Err()
}
