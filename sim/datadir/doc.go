// Package datadir is what the daemon keeps in its data directory beside the
// store: the marker that tells a directory used before from a new one, the
// lab signing secret's place there (created on first start, never
// silently replaced; the file itself is keygen's), and the owner-only
// permissions of the directory, its files and the store's. It holds small
// files only and does not depend on the store.
//
// Its errors read "sim: ...", like every error the lab gives the daemon's
// operator.
package datadir
