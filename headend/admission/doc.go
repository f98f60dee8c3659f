// Package admission is the lock-free admission engine of a headend: it
// decides each VPN connection against the limits of a Policy that the
// device's family computes, holds the sessions (Admission), the users they
// belong to (Principals), the unique users of each lab day, and the last
// refusals for the logging buffer. Deciding allocates nothing and takes no
// lock.
package admission
