package emulator

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/idpool/idpool/storage"
)

// Names of the stored server keys. They must survive restarts: the
// credentials key seals the credentials idpool issues, the sync key signs
// Cognito Sync session tokens.
const (
	credsSecret = "creds-seal-v1"
	syncSecret  = "sync-session-v1"
)

// serverKey returns the named server key, creating it with size random
// bytes on first start. Two processes starting on one new database agree:
// the second one's create fails and it reads the first one's key.
func serverKey(ctx context.Context, store storage.Store, name string, size int) ([]byte, error) {
	key, err := store.Secret(ctx, name)
	if err == nil {
		return key, nil
	}
	if !errors.Is(err, storage.ErrNotFound) {
		return nil, err
	}
	fresh := make([]byte, size)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	err = store.Update(ctx, func(tx storage.Tx) error {
		key, err = tx.Secret(ctx, name)
		if errors.Is(err, storage.ErrNotFound) {
			key = fresh
			return tx.CreateSecret(ctx, name, fresh)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store server key %s: %w", name, err)
	}
	return key, nil
}
