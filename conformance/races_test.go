package conformance

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	"github.com/aws/aws-sdk-go/aws/awserr"
	"github.com/aws/smithy-go"
)

// TestRacesWithPoolDeletion runs the writes that name a pool or one of its
// identities (login GetId, developer tokens, developer merges, Cognito Sync
// UpdateRecords, pool updates) from several goroutines while the pool is
// deleted, by DeleteIdentityPool or by POST /_idpool/reset. Whatever the
// interleaving, no answer may be a server fault: a request either succeeds
// or, once the pool is gone, fails with the ResourceNotFoundException of
// what it names. Which requests land before the deletion varies from run to
// run; what is asserted does not.
func TestRacesWithPoolDeletion(t *testing.T) {
	s := testServerEnv(t, nil) // reset wipes every pool: not on a shared server
	const (
		rounds = 6  // half end with DeleteIdentityPool, half with a reset
		iters  = 30 // requests per worker and round at most
		// workers per kind of login write: enough requests in flight
		// that some are always between their reads and their transaction
		// when the pool goes (with 6, the race without its fix shows a 500
		// in every run).
		workers = 6
		before  = 24 // successful requests of a round before the pool goes
	)
	for round := range rounds {
		reset := round%2 == 1
		name := fmt.Sprintf("round %d by DeleteIdentityPool", round)
		if reset {
			name = fmt.Sprintf("round %d by reset", round)
		}
		t.Run(name, func(t *testing.T) {
			raceRound(t, s, reset, workers, iters, before)
		})
	}
}

// raceVerdict is what became of the requests of one round.
type raceVerdict struct {
	mu       sync.Mutex
	ok       int
	notFound int
	bad      []string // answers that are neither success nor the expected not-found
}

// judge records one answer of op. A server fault (5xx), a transport error,
// or any error other than ResourceNotFoundException is a failure.
func (v *raceVerdict) judge(op string, err error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if err == nil {
		v.ok++
		return
	}
	status, code := 0, ""
	var re interface{ HTTPStatusCode() int } // the SDK v2's response errors
	var api smithy.APIError
	var rf awserr.RequestFailure
	switch {
	case errors.As(err, &rf): // Cognito Sync, SDK v1
		status, code = rf.StatusCode(), rf.Code()
	case errors.As(err, &re) && errors.As(err, &api):
		status, code = re.HTTPStatusCode(), api.ErrorCode()
	}
	if status >= 400 && status < 500 && code == codeNotFound {
		v.notFound++
		return
	}
	v.bad = append(v.bad, fmt.Sprintf("%s: status %d code %q: %v", op, status, code, err))
}

func raceRound(t *testing.T, s *server, reset bool, workers, iters, before int) {
	ctx := context.Background()
	dev := uniqueDev()
	sp := newSyncPool(t, s)
	// The sync pool doubles as the identity pool under test: give it
	// every provider the workers use.
	_, err := s.signed.UpdateIdentityPool(ctx, &cognitoidentity.UpdateIdentityPoolInput{
		IdentityPoolId:                 aws.String(sp.id),
		IdentityPoolName:               aws.String(uniqueName("races")),
		AllowUnauthenticatedIdentities: true,
		SupportedLoginProviders:        map[string]string{facebookKey: facebookApp},
		DeveloperProviderName:          aws.String(dev),
	})
	ok(t, err, "UpdateIdentityPool")
	pool := sp.id
	// Developer users to merge, in pairs, and guests whose datasets the
	// sync workers write.
	const pairs = 8
	for i := range 2 * pairs {
		_, err := s.signed.GetOpenIdTokenForDeveloperIdentity(ctx, &cognitoidentity.GetOpenIdTokenForDeveloperIdentityInput{
			IdentityPoolId: aws.String(pool), Logins: map[string]string{dev: fmt.Sprintf("merge-%d", i)},
		})
		ok(t, err, "GetOpenIdTokenForDeveloperIdentity")
	}
	var syncers []*syncUser
	for range workers {
		syncers = append(syncers, sp.as(s.guestID(t, pool)))
	}

	var (
		v     raceVerdict
		done  atomic.Int64 // successful requests so far
		gone  = make(chan struct{})
		wg    sync.WaitGroup
		fired sync.Once
	)
	kill := func() {
		defer close(gone)
		if reset {
			res, err := http.Post(s.endpoint+"/_idpool/reset", "application/json", nil)
			if err != nil {
				v.judge("reset", err)
				return
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				v.judge("reset", fmt.Errorf("reset: status %d, want 200", res.StatusCode))
			}
			return
		}
		_, err := s.signed.DeleteIdentityPool(ctx, &cognitoidentity.DeleteIdentityPoolInput{IdentityPoolId: aws.String(pool)})
		v.judge("DeleteIdentityPool", err)
	}
	// worker runs op up to iters times; the pool goes once the workers
	// together have done `before` requests that succeeded, and a worker
	// stops after its first not-found answer past that point, or after a
	// failure.
	worker := func(name string, op func(i int) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range iters {
				err := op(i)
				v.judge(name, err)
				if err == nil && done.Add(1) >= int64(before) {
					go fired.Do(kill)
				}
				if err != nil {
					select {
					case <-gone:
						return
					default:
					}
				}
			}
		}()
	}

	for w := range workers {
		worker(fmt.Sprintf("GetId with a login (worker %d)", w), func(i int) error {
			_, err := s.anon.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(pool),
				Logins: map[string]string{facebookKey: fmt.Sprintf("fb-%d-%d", w, i)}})
			return err
		})
		worker(fmt.Sprintf("GetOpenIdTokenForDeveloperIdentity (worker %d)", w), func(i int) error {
			_, err := s.signed.GetOpenIdTokenForDeveloperIdentity(ctx, &cognitoidentity.GetOpenIdTokenForDeveloperIdentityInput{
				IdentityPoolId: aws.String(pool),
				Logins:         map[string]string{dev: fmt.Sprintf("dev-%d-%d", w, i), facebookKey: fmt.Sprintf("devfb-%d-%d", w, i)}})
			return err
		})
		syncer := syncers[w]
		worker(fmt.Sprintf("UpdateRecords (worker %d)", w), func(i int) error {
			out, err := syncer.list("races", 0)
			if err != nil {
				return err
			}
			_, err = syncer.update("races", aws.ToString(out.SyncSessionToken), replacePatch(fmt.Sprintf("k%d", i), "v", 0))
			return err
		})
	}
	worker("MergeDeveloperIdentities", func(i int) error {
		p := i % pairs
		_, err := s.signed.MergeDeveloperIdentities(ctx, &cognitoidentity.MergeDeveloperIdentitiesInput{
			IdentityPoolId: aws.String(pool), DeveloperProviderName: aws.String(dev),
			SourceUserIdentifier: aws.String(fmt.Sprintf("merge-%d", 2*p+1)), DestinationUserIdentifier: aws.String(fmt.Sprintf("merge-%d", 2*p)),
		})
		return err
	})
	worker("UpdateIdentityPool", func(i int) error {
		_, err := s.signed.UpdateIdentityPool(ctx, &cognitoidentity.UpdateIdentityPoolInput{
			IdentityPoolId:                 aws.String(pool),
			IdentityPoolName:               aws.String(fmt.Sprintf("races_%d", i)),
			AllowUnauthenticatedIdentities: true,
			SupportedLoginProviders:        map[string]string{facebookKey: facebookApp},
			DeveloperProviderName:          aws.String(dev),
		})
		return err
	})
	wg.Wait()
	fired.Do(kill) // the workers may all have finished first
	<-gone

	for _, b := range v.bad {
		t.Error(b)
	}
	// The pool is gone whatever won the race.
	_, err = s.signed.DescribeIdentityPool(ctx, &cognitoidentity.DescribeIdentityPoolInput{IdentityPoolId: aws.String(pool)})
	wantAPIError(t, err, codeNotFound, msgPoolNotFound(pool))
	t.Logf("%d requests succeeded, %d answered ResourceNotFoundException", v.ok, v.notFound)
}
