// Command idpool runs the emulator of Amazon Cognito Identity, AWS STS and
// Amazon Cognito Sync.
//
//	idpool [serve] [flags]   run the server (the default)
//	idpool health [flags]    exit 0 when a server answers its health check
//	idpool export [flags]    write the store's state as a fixture file to stdout
//	idpool version           print the version and commit (also --version)
//
// "idpool COMMAND --help" prints the flags of a command.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/idpool/idpool/emulator"
)

// main sets no Go memory limit: the store's caches are bounded in bytes,
// so the heap stays small by itself, and a limit near it made the garbage
// collector run without end once the caches filled (GOMEMLIMIT still
// sets one).
func main() {
	// The first signal starts a graceful shutdown; a second one ends the
	// process at once, as an operator who presses Ctrl-C twice expects,
	// also when it was started with SIGINT ignored (a background job of a
	// script), which handing the signal back to its old disposition would
	// not do.
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-sigs
		cancel()
		s := <-sigs
		os.Exit(128 + int(s.(syscall.Signal)))
	}()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	cancel()
	os.Exit(exitCode(err, os.Stderr))
}

// serve listens on o.addr until ctx is done, then shuts down gracefully.
// Its options have passed Validate; tlsConfig, nil for plain HTTP, is
// theirs.
//
// Once it listens, it writes the URL it serves on to stdout, as one line,
// and nothing else ever: a test harness that starts it on port 0 reads
// that line from a pipe and may leave the pipe unread from then on, as one
// line always fits in a pipe's buffer. Its log goes to stderr, a line per
// request, which blocks every request once a pipe nobody reads is full.
func serve(ctx context.Context, o *serveOptions, tlsConfig *tls.Config, stdout, stderr io.Writer) error {
	cfg := *o.cfg
	level, _ := o.level()
	// Every log line is written as it happens, so that a crash loses none.
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	// Before the store opens, which may take long (a schema migration), so
	// that a program waiting for the address file to appear does not read
	// the one a killed server left meanwhile; the file is written once
	// serve listens.
	if o.addrFile != "" {
		if err := checkAddrFile(o.addrFile); err != nil {
			return err
		}
	}
	srv, err := emulator.New(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer srv.Close()

	addrHost, _, _ := net.SplitHostPort(o.addr) // checked by Validate
	var leaf *x509.Certificate
	if tlsConfig != nil {
		cert := tlsConfig.Certificates[0]
		leaf = cert.Leaf
		for _, w := range certWarnings(o.tlsCert, leaf, len(cert.Certificate), addrHost, time.Now()) {
			logger.Warn(w)
		}
	}
	if w := publicURLWarning(cfg.PublicURL, tlsConfig != nil); w != "" {
		logger.Warn(w)
	}
	ln, err := emulator.Listen(o.addr)
	if err != nil {
		return err
	}
	url := serveURL(ln.Addr(), addrHost, leaf)
	// forget removes the address file once: as the shutdown starts, when
	// the listener closes, not when it ends, so that a server started on
	// the same address meanwhile, while this one waits for its requests,
	// keeps the file it writes (the same words as this one's); or when
	// serve returns otherwise.
	forget := func() {}
	if o.addrFile != "" {
		content := addrFileContent(ln.Addr().String(), o.tlsCert)
		if err := writeAddrFile(o.addrFile, content); err != nil {
			// A program waiting for the file would wait in vain, and
			// the health check fails without it.
			ln.Close()
			return fmt.Errorf("addr-file %q: cannot write the address file: %w", o.addrFile, err)
		}
		forgotten := false
		forget = func() {
			if !forgotten {
				forgotten = true
				removeAddrFile(o.addrFile, content)
			}
		}
		defer forget()
	}
	hs := emulator.NewHTTPServer(srv.Handler(), logger)
	hs.RegisterOnShutdown(srv.EndStreams)
	// An error is ignored: stdout may be closed, and the URL is in the
	// log line below and the address file too.
	_, _ = fmt.Fprintln(stdout, url)
	logger.Info("idpool listening", "url", url, "db", cfg.DB, "region", cfg.Region)

	// ServeTLS offers HTTP/2 and HTTP/1.1 (ALPN). A plain HTTP request on
	// its port gets net/http's own 400 ("Client sent an HTTP request to an
	// HTTPS server").
	hs.TLSConfig = tlsConfig
	errc := make(chan error, 1)
	go func() {
		if tlsConfig == nil {
			errc <- hs.Serve(ln)
			return
		}
		errc <- hs.ServeTLS(ln, "", "")
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("idpool shutting down")
	forget()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		// Requests still running are cut off before the store closes
		// under them.
		_ = hs.Close()
		return fmt.Errorf("shut down: requests still running after %s were cut off: %w", shutdownTimeout, err)
	}
	return nil
}

// shutdownTimeout is how long a shutdown waits for requests in flight.
// It is shorter than the 10 s that `docker stop`, Compose and Podman wait
// after SIGTERM before they kill the process, so that a request that never
// ends is cut off and the store checkpointed and closed (and the address
// file removed) in the time left, rather than the process killed.
const shutdownTimeout = 8 * time.Second
