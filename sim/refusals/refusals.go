// Package refusals samples a headend's refused connections for the lab's
// event log: the first refusal since the last flush is kept and the
// others counted, so that a flood of refusals costs the admission path no
// write and the log no event per attempt.
package refusals

import (
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/asalab/asalab/headend"
	"github.com/asalab/asalab/headend/admission"
)

// Refused connections reach the event log sampled: a headend turning away a
// flood of users must cost the admission path no write and the log no
// event per attempt. Each headend keeps the first refusal since the last
// flush of the usage records (every 500 ms by default) and counts the
// others; the flush turns each sample into one event, with the count of
// those it stands for, and commits them together. The log thus gets at
// most one refusal event per headend per flush, and a refusal costs the
// admission path an atomic load and an add, or, for the first of a flush
// interval, one small allocation.

// Sampler is a headend's pending refusal sample. The zero Sampler is
// empty.
type Sampler struct {
	first      atomic.Pointer[Sample]
	suppressed atomic.Uint64
}

// Sample is a refused connection: when, the decision, the kind of
// connection, the policy it was refused under and who asked.
type Sample struct {
	At        time.Time
	Decision  admission.Decision
	Kind      headend.Kind
	Policy    *admission.Policy
	Principal *admission.Principal
}

// Note samples a refused connection decided by a.
func (r *Sampler) Note(a *admission.Admission, p *admission.Principal, k headend.Kind, d admission.Decision, now time.Time) {
	if r.first.Load() == nil &&
		r.first.CompareAndSwap(nil, &Sample{At: now, Decision: d, Kind: k, Policy: a.Policy(), Principal: p}) {
		return
	}
	r.suppressed.Add(1)
}

// Take takes the pending sample (nil: none) and the count of refusals it
// stands for beyond itself.
func (r *Sampler) Take() (*Sample, uint64) {
	s := r.first.Swap(nil)
	if s == nil {
		return nil, 0
	}
	return s, r.suppressed.Swap(0)
}

// Text is the event's text of the sample s standing for n more.
func (s *Sample) Text(n uint64) string {
	text := fmt.Sprintf("connection of %s from %s refused: %s", s.Principal.User(), s.Principal.Device(), s.Decision.Reason)
	if n > 0 {
		text += fmt.Sprintf(suppressedFormat, n)
	}
	return text
}

const suppressedFormat = " (%d similar refusals suppressed)"

// Count is how many refused connections the refusal event of text (Text)
// stands for: itself and those it says it suppressed.
func Count(text string) uint64 {
	i := strings.LastIndex(text, " (")
	if i < 0 || !strings.HasSuffix(text, " similar refusals suppressed)") {
		return 1
	}
	var n uint64
	if _, err := fmt.Sscanf(text[i:], suppressedFormat, &n); err != nil {
		return 1
	}
	return 1 + n
}
