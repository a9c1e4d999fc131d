package tokens

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// SigningRate measures the raw RS512 signing ceiling of this machine: for
// about d, workers goroutines (GOMAXPROCS when workers <= 0) sign a typical
// authenticated-token payload with a fresh RSA-2048 key through go-jose,
// bypassing the store and the Issuer. It returns signatures per second. Key
// generation is not timed. It is a benchmark helper: it reads the wall
// clock on purpose.
func SigningRate(ctx context.Context, d time.Duration, workers int) (float64, error) {
	if d <= 0 {
		return 0, errors.New("tokens: signing rate: duration must be positive")
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	k, err := generateKey(rand.Reader)
	if err != nil {
		return 0, err
	}
	k.id = DefaultRegion + "-1"
	s, err := newSigner(k)
	if err != nil {
		return 0, err
	}
	now := time.Now()
	body, err := json.Marshal(&payload{
		Sub:     "us-east-1:157d6171-ee37-c0dd-c6c5-ce7afc0154ab",
		Aud:     "us-east-1:b73cb2d2-0d00-4e77-8e80-f99d9c13da3b",
		AMR:     []string{"authenticated", "login.example.app", "login.example.app:us-east-1:b73cb2d2-0d00-4e77-8e80-f99d9c13da3b:user-1"},
		Iss:     DefaultIssuer,
		PoolARN: "arn:aws:cognito-identity:us-east-1:123456789012:identitypool/us-east-1:b73cb2d2-0d00-4e77-8e80-f99d9c13da3b",
		Exp:     now.Add(15 * time.Minute).Unix(),
		Iat:     now.Unix(),
	})
	if err != nil {
		return 0, fmt.Errorf("tokens: signing rate: %w", err)
	}

	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var (
		count   atomic.Int64
		wg      sync.WaitGroup
		errOnce sync.Once
		signErr error
	)
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				if _, err := signCompact(s, body); err != nil {
					errOnce.Do(func() { signErr = err })
					cancel()
					return
				}
				count.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if signErr != nil {
		return 0, signErr
	}
	return float64(count.Load()) / elapsed.Seconds(), nil
}
