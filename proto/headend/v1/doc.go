// Package headendv1 is asalab's gRPC API, headend.v1: the Go code generated
// by `make proto` from headend.proto (headends, activation keys, console,
// admission), lab.proto (the lab clock) and portal.proto (the licensing
// portal). Only this file is written by hand.
package headendv1
