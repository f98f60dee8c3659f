package sim

import (
	"go.uber.org/zap"

	"github.com/asalab/asalab/sim/store"
)

// The lab's store is package store's; these names let the daemon open it
// through the facade it drives the lab with.

// Store is the lab's durable state in an embedded pebble database.
type Store = store.Store

// StoreOptions are the options of OpenStoreWith.
type StoreOptions = store.Options

// Errors of a store that cannot be opened as it is.
var (
	ErrStoreMissing    = store.ErrStoreMissing
	ErrStoreDamaged    = store.ErrStoreDamaged
	ErrStoreLocked     = store.ErrStoreLocked
	ErrWALDamaged      = store.ErrWALDamaged
	ErrManifestDamaged = store.ErrManifestDamaged
	ErrStoreNewer      = store.ErrStoreNewer
)

// OpenStore opens or creates the store in dir.
func OpenStore(dir string, log *zap.Logger) (*Store, error) { return store.Open(dir, log) }

// OpenStoreWith opens the store in dir, or creates it unless o.MustExist
// (store.OpenWith).
func OpenStoreWith(dir string, o StoreOptions) (*Store, error) { return store.OpenWith(dir, o) }
