package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/idpool/idpool/cmd/idpool-bench/internal/load"
	"github.com/idpool/idpool/emulator/tokens"
)

// measurer measures one thing for d after an unmeasured warm-up: a
// scenario or a baseline.
type measurer func(ctx context.Context, d, warmup time.Duration) (load.Result, error)

// runner returns the measurer that drives req with the generator.
func runner(opts load.Options, req load.Request) measurer {
	return func(ctx context.Context, d, warmup time.Duration) (load.Result, error) {
		opts.Duration, opts.Warmup = d, warmup
		return load.Run(ctx, opts, req)
	}
}

// streamRunner returns the measurer that drives stream with the generator.
func streamRunner(opts load.Options, stream load.Stream) measurer {
	return func(ctx context.Context, d, warmup time.Duration) (load.Result, error) {
		opts.Duration, opts.Warmup = d, warmup
		return load.RunStream(ctx, opts, stream)
	}
}

// rewarm is the warm-up of every slice but the first of each side in
// interleave: the server is warm by then, but the closed loop has to fill
// again before its rate is steady.
const rewarm = 100 * time.Millisecond

// interleave measures a baseline and a scenario in rounds alternating
// slices of d/rounds each, in the order base, scen, scen, base, base, …,
// and returns each side's slices added up. On a shared machine whose load
// drifts, both sides of the ratio then see the same load; the alternating
// order cancels a steady drift. The first slice of each side warms up for
// warmup, the others for rewarm at most.
func interleave(ctx context.Context, rounds int, d, warmup time.Duration, base, scen measurer) (b, s load.Result, err error) {
	rounds = max(rounds, 1)
	slice := d / time.Duration(rounds)
	for i := range rounds {
		w := warmup
		if i > 0 {
			w = min(warmup, rewarm)
		}
		order := []struct {
			m   measurer
			dst *load.Result
		}{{base, &b}, {scen, &s}}
		if i%2 == 1 {
			order[0], order[1] = order[1], order[0]
		}
		for _, o := range order {
			res, err := o.m(ctx, slice, w)
			if err != nil {
				return load.Result{}, load.Result{}, err
			}
			o.dst.Add(res)
		}
	}
	return b, s, nil
}

// trivialHandler is the machine's ceiling: it does the least any JSON
// endpoint must do — read the request body and write a small answer.
func trivialHandler(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_, _ = w.Write([]byte("{}"))
}

// newTrivial serves trivialHandler in this process on a free loopback port
// and returns the measurer that drives it, and a function that stops it.
// The request is shaped like the cognito-identity scenarios (same headers,
// similar body, signed the same way) so that the generator does the same
// work as against the server under test.
func newTrivial(opts load.Options, id *identityClient) (measurer, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, fmt.Errorf("trivial baseline: %w", err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(trivialHandler), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	stop := func() {
		_ = srv.Close()
		<-done
	}
	req, err := id.request("http://"+ln.Addr().String(), "DescribeIdentityPool",
		map[string]string{"IdentityPoolId": id.region + ":00000000-0000-4000-8000-000000000000"}, true)
	if err != nil {
		stop()
		return nil, nil, err
	}
	return runner(opts, req), stop, nil
}

// signing returns the measurer of the token ceiling: how many RS512
// signatures with an RSA-2048 key the machine makes per second with one
// goroutine per CPU, signing a typical OpenID token payload through the
// same go-jose signer that idpool's token issuer uses. The result carries
// only Requests (signatures) and Elapsed; signing needs no warm-up.
func signing(cpus int) measurer {
	return func(ctx context.Context, d, _ time.Duration) (load.Result, error) {
		rate, err := tokens.SigningRate(ctx, d, cpus)
		if err != nil {
			return load.Result{}, fmt.Errorf("signing baseline: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return load.Result{}, err
		}
		return load.Result{Requests: uint64(rate*d.Seconds() + 0.5), Elapsed: d, Latency: new(load.Histogram)}, nil
	}
}
