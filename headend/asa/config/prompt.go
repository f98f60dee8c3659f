package config

import (
	"errors"
	"strings"
)

// ErrPromptKeyword: `prompt` was given a word that is not one of its
// keywords, or one twice.
var ErrPromptKeyword = errors.New("headend: invalid prompt keyword")

// PromptKeywords are the words `prompt` takes, in any order (Cisco ASA
// configuration guide, "Command Modes and Prompts": "hostname, domain,
// context, priority, state"; the command reference adds `cluster-unit`
// and `slot`, which name a unit of an ASA cluster: the lab runs no
// clusters, so they show nothing).
var PromptKeywords = []string{"hostname", "domain", "context", "priority", "state", "cluster-unit", "slot"}

// DefaultPrompt is the factory `prompt hostname context`.
var DefaultPrompt = []string{"hostname", "context"}

// ValidatePrompt checks the keywords of a `prompt` line: each a known one,
// none twice.
func ValidatePrompt(words []string) error {
	if len(words) == 0 {
		return ErrPromptKeyword
	}
	seen := map[string]bool{}
	for _, w := range words {
		if seen[w] || !isPromptKeyword(w) {
			return ErrPromptKeyword
		}
		seen[w] = true
	}
	return nil
}

func isPromptKeyword(w string) bool {
	for _, k := range PromptKeywords {
		if w == k {
			return true
		}
	}
	return false
}

// PromptWords are the keywords of the prompt in force.
func (c *Config) PromptWords() []string {
	if c.Prompt == nil {
		return DefaultPrompt
	}
	return c.Prompt
}

// PromptLine is the `prompt` line of the running configuration, which an
// ASA always prints (the factory one too).
func (c *Config) PromptLine() string { return "prompt " + strings.Join(c.PromptWords(), " ") }
