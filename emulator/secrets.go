package emulator

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/idpool/idpool/emulator/creds"
	"github.com/idpool/idpool/storage"
)

// credsSecret names the stored key that seals the credentials idpool
// issues; it must survive restarts for credentials to keep working.
const credsSecret = "creds-seal-v1"

// serverKey returns the credentials key, creating it on first start. Two
// processes starting on one new database agree: the second one's create
// fails and it reads the first one's key.
func serverKey(ctx context.Context, store storage.Store) ([]byte, error) {
	key, err := store.Secret(ctx, credsSecret)
	if err == nil {
		return key, nil
	}
	if !errors.Is(err, storage.ErrNotFound) {
		return nil, err
	}
	fresh := make([]byte, creds.KeySize)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	err = store.Update(ctx, func(tx storage.Tx) error {
		key, err = tx.Secret(ctx, credsSecret)
		if errors.Is(err, storage.ErrNotFound) {
			key = fresh
			return tx.CreateSecret(ctx, credsSecret, fresh)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store credentials key: %w", err)
	}
	return key, nil
}
