package asa

import "github.com/asalab/asalab/headend/asa/config"

// Names the admission tests use unqualified, kept as they were before the
// configuration model moved to headend/asa/config so that those tests did
// not have to change with the move.
type GroupPolicy = config.GroupPolicy

const (
	DefaultGroupPolicy = config.DefaultGroupPolicy
	DefaultLogins      = config.DefaultLogins
)
