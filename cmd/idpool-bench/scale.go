package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/idpool/idpool/cmd/idpool-bench/internal/load"
	"github.com/idpool/idpool/storage"
	"github.com/idpool/idpool/storage/sqlite"
)

// The scale scenario (-scale N) compares random access over a pool of N
// identities with random access over a pool of scaleSmall, in the same run.
const (
	scaleSmall = 1000
	// usageSmall and usageBig are the datasets of the two pools, each of
	// its own identity, for DescribeIdentityPoolUsage.
	usageSmall = 1000
	usageBig   = 100_000
	// seedChunk identities are written per transaction while seeding.
	seedChunk = 20_000
	// scaleProvider is the login every seeded identity holds: an opaque
	// access token, which idpool takes as the user id.
	scaleProvider = "graph.facebook.com"
)

// Targets of the scale scenario (see the performance compass).
var (
	// Random access over the big pool reaches this share of its rate
	// over the small one.
	scaleTarget = target{kind: vsOwn, min: 0.70}
	// DescribeIdentityPoolUsage at usageBig datasets takes at most twice
	// its time at usageSmall: half the rate.
	usageTarget = target{kind: vsOwn, min: 0.50}
)

const (
	scaleMemoryLimit = 64 << 20               // resident memory with the big pool
	deleteGetIDLimit = 100 * time.Millisecond // a GetId while the big pool is deleted
)

// scalePool is one pool seeded straight into the database, its
// identities each with a login of scaleProvider.
type scalePool struct {
	id       string
	name     string // IdentityPoolName
	n        int    // identities
	datasets int    // of its first identities, one each
	num      int    // distinguishes the pools' identity ids and logins
}

// newScalePool describes pool num of region, of n identities, the first
// datasets of which hold a dataset each.
func newScalePool(region, name string, num, n, datasets int) *scalePool {
	return &scalePool{id: fmt.Sprintf("%s:5ca1e000-0000-4000-8000-%012x", region, num), name: name, n: n, datasets: datasets, num: num}
}

// identityID returns the id of the pool's identity i.
func (p *scalePool) identityID(i int) string {
	region, _, _ := strings.Cut(p.id, ":")
	return fmt.Sprintf("%s:%08x-0000-4000-8000-%012x", region, 0x5ca1e000+p.num, i)
}

// token returns the login token of the pool's identity i. Tokens, like
// identity ids, sort in the order of i, so that seeding appends to the
// login index rather than writing all over it.
func (p *scalePool) token(i int) string { return fmt.Sprintf("EAAscale%d-%08d", p.num, i) }

// seedScale writes the two pools of the scale scenario into the database
// at path. It returns the pools and how long seeding took.
func seedScale(ctx context.Context, path, region, role string, n int, progress func(string, ...any)) (small, big *scalePool, took time.Duration, err error) {
	small = newScalePool(region, fmt.Sprintf("idpool-bench-scale-%d", scaleSmall), 1, scaleSmall, usageSmall)
	big = newScalePool(region, fmt.Sprintf("idpool-bench-scale-%d", n), 2, n, min(usageBig, n))
	took, err = seed(ctx, path, role, progress, small, big)
	return small, big, took, err
}

// seed writes pools straight into the database at path, through the
// store, before the server opens it: through the wire, a million
// identities would take longer than the run. It returns how long seeding
// took.
func seed(ctx context.Context, path, role string, progress func(string, ...any), pools ...*scalePool) (took time.Duration, err error) {
	t0 := time.Now()
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		return 0, err
	}
	defer func() {
		if cerr := s.Close(); err == nil {
			err = cerr
		}
	}()
	now := time.Now()
	for _, p := range pools {
		err := s.Update(ctx, func(tx storage.Tx) error {
			return tx.CreatePool(ctx, storage.Pool{
				ID: p.id, Name: p.name,
				SupportedLoginProviders: map[string]string{scaleProvider: "bench-app"},
				Roles:                   map[string]string{"authenticated": role, "unauthenticated": role},
				CreatedAt:               now, ModifiedAt: now,
			})
		})
		if err != nil {
			return 0, fmt.Errorf("seed pool %s: %w", p.id, err)
		}
		for start := 0; start < p.n; start += seedChunk {
			err := s.Update(ctx, func(tx storage.Tx) error {
				for i := start; i < min(start+seedChunk, p.n); i++ {
					id := p.identityID(i)
					err := tx.CreateIdentity(ctx, storage.Identity{
						ID: id, PoolID: p.id, CreatedAt: now, ModifiedAt: now,
						Logins: []storage.Login{{Provider: scaleProvider, UserID: p.token(i)}},
					})
					if err != nil {
						return err
					}
					if i < p.datasets {
						d := storage.Dataset{IdentityID: id, Name: "scale", SyncCount: 1, DataStorage: 100, CreatedAt: now, ModifiedAt: now}
						if err := tx.PutDataset(ctx, d, 0); err != nil {
							return err
						}
					}
				}
				return nil
			})
			if err != nil {
				return 0, fmt.Errorf("seed identities of %s: %w", p.id, err)
			}
			if start > 0 && start%(10*seedChunk) == 0 {
				progress("seeded %d of %d identities in %s", start, p.n, time.Since(t0).Round(time.Second))
			}
		}
	}
	return time.Since(t0), nil
}

// scaleOps are the random-access operations of the scale scenario: each
// builds the request for identity i of pool p.
var scaleOps = []struct {
	name   string
	signed bool
	build  func(c *identityClient, p *scalePool, i int) (string, map[string]any)
}{
	{"DescribeIdentity", true, func(_ *identityClient, p *scalePool, i int) (string, map[string]any) {
		return "DescribeIdentity", map[string]any{"IdentityId": p.identityID(i)}
	}},
	{"GetId-known", false, func(_ *identityClient, p *scalePool, i int) (string, map[string]any) {
		return "GetId", map[string]any{"IdentityPoolId": p.id, "Logins": map[string]string{scaleProvider: p.token(i)}}
	}},
	{"GetCredentialsForIdentity", false, func(_ *identityClient, p *scalePool, i int) (string, map[string]any) {
		return "GetCredentialsForIdentity", map[string]any{"IdentityId": p.identityID(i), "Logins": map[string]string{scaleProvider: p.token(i)}}
	}},
}

// randomStream returns the stream of requests build makes, each for a
// random identity of p.
func randomStream(p *scalePool, build func(i int) load.Request) load.Stream {
	return func(worker int) func() load.Request {
		r := rand.New(rand.NewPCG(uint64(worker), uint64(p.num)))
		return func() load.Request { return build(r.IntN(p.n)) }
	}
}

// opRequests returns the builder of op's requests for identities of p.
func (c *identityClient) opRequests(p *scalePool, signed bool, build func(*identityClient, *scalePool, int) (string, map[string]any)) func(int) load.Request {
	return func(i int) load.Request {
		op, in := build(c, p, i)
		req, err := c.request(c.endpoint, op, in, signed)
		if err != nil {
			panic(err) // a map of strings always encodes
		}
		return req
	}
}

// usageRequest is DescribeIdentityPoolUsage of pool, signed as the developer.
func (c *identityClient) usageRequest(pool string) load.Request {
	sign := *c.signing
	sign.Service = "cognito-sync"
	return c.syncRequest(http.MethodGet, c.syncEndpoint+"/identitypools/"+escapeLabel(pool), nil, &sign)
}

// runScale measures the scale scenario against the server srv, whose
// database holds small and big, and adds its rows, memory and deletion
// latency to rep. It deletes big last.
func runScale(ctx context.Context, o options, c *identityClient, lopts load.Options, srv *server, small, big *scalePool, rep *Report, progress func(string, ...any)) error {
	sc := rep.Scale
	if sc == nil {
		sc = &Scale{Identities: big.n}
		rep.Scale = sc
	}
	for _, op := range scaleOps {
		// One call each first: the scenario measures answers, not errors.
		for _, p := range []*scalePool{small, big} {
			name, in := op.build(c, p, p.n-1)
			if err := c.call(ctx, name, in, nil, op.signed); err != nil {
				return fmt.Errorf("scale %s on %d identities: %w", op.name, p.n, err)
			}
		}
		progress("running %s over %d and %d identities interleaved, %d rounds", op.name, small.n, big.n, o.rounds)
		base := streamRunner(lopts, randomStream(small, c.opRequests(small, op.signed, op.build)))
		scen := streamRunner(lopts, randomStream(big, c.opRequests(big, op.signed, op.build)))
		rb, rs, err := interleave(ctx, o.rounds, o.duration, o.warmup, base, scen)
		if err != nil {
			return err
		}
		row := newRow(fmt.Sprintf("%s, random of %d", op.name, big.n), rs)
		row.withBaseline(fmt.Sprintf("%d identities", small.n), rb)
		row.target = scaleTarget
		rep.Scenarios = append(rep.Scenarios, row)
	}

	for _, p := range []*scalePool{small, big} {
		if _, err := c.do(ctx, "DescribeIdentityPoolUsage", c.usageRequest(p.id)); err != nil {
			return fmt.Errorf("scale: %w", err)
		}
	}
	progress("running DescribeIdentityPoolUsage at %d and %d datasets interleaved", small.datasets, big.datasets)
	rb, rs, err := interleave(ctx, o.rounds, o.duration, o.warmup,
		runner(lopts, c.usageRequest(small.id)), runner(lopts, c.usageRequest(big.id)))
	if err != nil {
		return err
	}
	row := newRow(fmt.Sprintf("DescribeIdentityPoolUsage, %d datasets", big.datasets), rs)
	row.withBaseline(fmt.Sprintf("%d datasets", small.datasets), rb)
	row.target = usageTarget
	rep.Scenarios = append(rep.Scenarios, row)

	m, err := srv.memory()
	if err != nil {
		return err
	}
	sc.Memory = m

	progress("deleting the pool of %d identities while sending GetId", big.n)
	sc.BeforeGetID, sc.DeleteGetID, sc.DeleteTook, err = getIDDuringDelete(ctx, c, big, small)
	return err
}

// getIDDuringDelete deletes pool big while a few workers send GetId for
// known logins of small (a read) and for new guests of a pool of their own
// (a write, which waits for the writer the deletion shares), from the
// deletion's start until deleteWatch after its answer, while the store
// removes the pool's rows. It returns the GetId latencies in the
// deleteWatch/2 before the deletion and from its start on, and how long
// DeleteIdentityPool took to answer.
func getIDDuringDelete(ctx context.Context, c *identityClient, big, small *scalePool) (before, during *load.Histogram, took time.Duration, err error) {
	guests, err := c.guestPool(ctx, "delete-guests")
	if err != nil {
		return nil, nil, 0, err
	}
	const deleteWatch = 5 * time.Second
	before, lat := new(load.Histogram), new(load.Histogram)
	var deleting atomic.Bool
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	stop := make(chan struct{})
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 7))
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				in := map[string]any{"IdentityPoolId": guests}
				if n%2 == 0 {
					in = map[string]any{"IdentityPoolId": small.id, "Logins": map[string]string{scaleProvider: small.token(r.IntN(small.n))}}
				}
				t0 := time.Now()
				err := c.call(ctx, "GetId", in, nil, false)
				d := time.Since(t0)
				mu.Lock()
				if deleting.Load() {
					lat.Record(d)
				} else {
					before.Record(d)
				}
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	// The same calls before the deletion are the reference: on a shared
	// machine, a write's fsync alone can take longer than the target.
	time.Sleep(deleteWatch / 2)
	deleting.Store(true)
	t0 := time.Now()
	err = c.call(ctx, "DeleteIdentityPool", map[string]any{"IdentityPoolId": big.id}, nil, true)
	took = time.Since(t0)
	if err == nil {
		// Gone at once for every reader.
		if derr := c.call(ctx, "DescribeIdentityPool", map[string]any{"IdentityPoolId": big.id}, nil, true); derr == nil {
			err = fmt.Errorf("DescribeIdentityPool of the deleted pool %s answered, want ResourceNotFoundException", big.id)
		}
	}
	if err == nil {
		select {
		case <-ctx.Done():
			err = ctx.Err()
		case <-time.After(deleteWatch):
		}
	}
	close(stop)
	wg.Wait()
	if err == nil {
		err = firstErr
	}
	return before, lat, took, err
}
