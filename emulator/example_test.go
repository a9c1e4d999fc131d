package emulator_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"

	"github.com/idpool/idpool/emulator"
)

// A program embedding idpool serves the Server's Handler, here with the
// command's own timeouts and limits, and closes the Server once the HTTP
// server has stopped. In a test, httptest.NewServer(srv.Handler()) serves
// it too, closed in this order:
//
//	hs := httptest.NewServer(srv.Handler())
//	t.Cleanup(func() { srv.EndStreams(); hs.Close(); srv.Close() })
//
// hs.Close waits for every open connection, and a console Activity page's
// live stream lasts until EndStreams ends it; the Server goes last, once
// no request is in flight. idpooltest does all of it.
func ExampleNew() {
	ctx := context.Background()
	srv, err := emulator.New(ctx, emulator.Config{DB: ":memory:"}, nil) // a nil logger discards
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close() // deferred first, so it runs after the HTTP server's Shutdown
	hs := emulator.NewHTTPServer(srv.Handler(), slog.Default())
	hs.RegisterOnShutdown(srv.EndStreams) // ends the console's live streams
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go hs.Serve(ln)
	defer hs.Shutdown(ctx)

	res, err := http.Get("http://" + ln.Addr().String() + "/_idpool/health")
	if err != nil {
		log.Fatal(err)
	}
	res.Body.Close()
	fmt.Println(res.Status)
	// Output: 200 OK
}
