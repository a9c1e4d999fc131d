package sts

import (
	"context"
	"slices"
	"sync"

	"github.com/idpool/idpool/storage"
)

// keyStore is an in-memory storage.Store that keeps signing keys only, all
// tokens.Issuer needs; other methods panic through the nil interfaces.
type keyStore struct {
	storage.Store
	mu   sync.Mutex
	keys []storage.SigningKey
}

func (s *keyStore) SigningKeys(ctx context.Context) ([]storage.SigningKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.keys), nil
}

func (s *keyStore) Update(ctx context.Context, fn func(tx storage.Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx := &keyTx{keys: slices.Clone(s.keys)}
	if err := fn(tx); err != nil {
		return err
	}
	s.keys = tx.keys
	return nil
}

func (s *keyStore) Close() error { return nil }

type keyTx struct {
	storage.Tx
	keys []storage.SigningKey
}

func (tx *keyTx) SigningKeys(ctx context.Context) ([]storage.SigningKey, error) {
	return slices.Clone(tx.keys), nil
}

func (tx *keyTx) CreateSigningKey(ctx context.Context, k storage.SigningKey) error {
	if k.Active {
		for i := range tx.keys {
			tx.keys[i].Active = false
		}
	}
	tx.keys = append(tx.keys, k)
	return nil
}
