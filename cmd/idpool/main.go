// Command idpool runs the emulator of Amazon Cognito Identity, AWS STS and
// Amazon Cognito Sync.
//
//	idpool [serve] [flags]   run the server (the default)
//	idpool health [--addr]   exit 0 when a server answers its health check
//	idpool export [--db]     write the store's state as a fixture file to stdout
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/idpool/idpool/cmd/idpool/internal/textlog"
	"github.com/idpool/idpool/emulator"
)

// main sets no Go memory limit: the store's caches are bounded in bytes,
// so the heap stays small by itself, and a limit near it made the garbage
// collector run without end once the caches filled (GOMEMLIMIT still
// sets one).
func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "idpool:", err)
		}
		os.Exit(2)
	}
}

// run runs the subcommand named by args[0] (serve when absent or a flag).
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	cfg, err := emulator.Load(args, getenv)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(stderr, "usage: idpool [serve|health|export] [flags]\n\n%s", emulator.Usage())
		return err
	}
	if err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	switch cmd {
	case "serve":
		return serve(ctx, cfg, stderr)
	case "health":
		return health(ctx, cfg.Addr)
	case "export":
		return emulator.Export(ctx, cfg, stdout)
	default:
		return fmt.Errorf("unknown command %q (want serve, health or export)", cmd)
	}
}

// serve listens on cfg.Addr until ctx is done, then shuts down gracefully.
func serve(ctx context.Context, cfg emulator.Config, stderr io.Writer) error {
	level, _ := cfg.Level()
	out := newLogWriter(stderr, 100*time.Millisecond)
	defer out.Close()
	logger := slog.New(textlog.New(out, &slog.HandlerOptions{Level: level}))

	srv, err := emulator.New(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer srv.Close()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	hs := emulator.NewHTTPServer(srv.Handler(), logger)
	logger.Info("idpool listening", "url", "http://"+ln.Addr().String(), "db", cfg.DB, "region", cfg.Region)

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("idpool shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return err
	}
	return nil
}

// health asks the server at addr for its health check; it is the Docker
// image's HEALTHCHECK, which has no curl.
func health(ctx context.Context, addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/_idpool/health", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health: %s", resp.Status)
	}
	return nil
}
