package cmdhelp

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// completionCallTimeout bounds each question the completion asks the
// daemon: a <Tab> must not hang on a daemon that accepts and never
// answers.
const completionCallTimeout = "2s"

// BashCompletion is the bash completion script, made from the table of
// commands: commands, subcommands, each one's flags, -o's formats,
// --kind's words, context names (config get-contexts), and hostnames and
// scenario names, which it asks the daemon for with `headendctl list -o
// json` and `scenario list -o json` (with the global flags the command
// line has so far, and --call-timeout).
func (t *Table) BashCompletion() string {
	var b strings.Builder
	q := strconv.Quote
	b.WriteString("# bash completion for headendctl: source <(headendctl completion bash)\n")
	b.WriteString("# It needs bash 4.2 or later (associative arrays declared global with declare -gA);\n" +
		"# macOS's /bin/bash is 3.2: use a newer bash (brew install bash).\n")
	b.WriteString("if ((BASH_VERSINFO[0] < 4 || BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] < 2)); then\n" +
		"\techo \"headendctl completion needs bash 4.2 or later; this is bash $BASH_VERSION\" >&2\n" +
		"\treturn 1 2>/dev/null || exit 1\nfi\n")
	names := []string{}
	for _, c := range t.Commands {
		names = append(names, c.Name)
	}
	names = append(names, "help", "completion")
	fmt.Fprintf(&b, "_headendctl_commands=%s\n", q(strings.Join(names, " ")))
	fmt.Fprintf(&b, "_headendctl_globals=%s\n", q(strings.Join(t.ValueFlags, " ")))
	fmt.Fprintf(&b, "_headendctl_globalbools=%s\n", q(strings.Join(t.BoolFlags, " ")))
	fmt.Fprintf(&b, "_headendctl_timeout=%s\n", q(completionCallTimeout))
	b.WriteString("declare -gA _headendctl_subs=(\n")
	for _, c := range t.Commands {
		firsts := []string{}
		seconds := map[string][]string{}
		for _, s := range c.Subs {
			w := strings.Fields(s)
			if !slices.Contains(firsts, w[0]) {
				firsts = append(firsts, w[0])
			}
			if len(w) == 2 {
				seconds[w[0]] = append(seconds[w[0]], w[1])
			}
		}
		if len(firsts) > 0 {
			fmt.Fprintf(&b, "  [%s]=%s\n", q(c.Name), q(strings.Join(firsts, " ")))
		}
		for first, ws := range seconds {
			fmt.Fprintf(&b, "  [%s]=%s\n", q(c.Name+" "+first), q(strings.Join(ws, " ")))
		}
	}
	b.WriteString("  [help]=" + q(strings.Join(names[:len(names)-2], " ")) + "\n  [completion]=\"bash\"\n)\n")
	// Flags per command path; those taking a value end in "=".
	b.WriteString("declare -gA _headendctl_flags=(\n")
	for _, c := range t.Commands {
		paths := []string{""}
		paths = append(paths, c.Subs...)
		for _, sub := range paths {
			fs, ok := c.Flags[sub]
			if !ok {
				continue
			}
			var fl []string
			for _, f := range fs {
				n := FlagName(f.Name)
				if !f.Switch {
					n += "="
				}
				fl = append(fl, n)
			}
			path := strings.TrimSpace(c.Name + " " + sub)
			fmt.Fprintf(&b, "  [%s]=%s\n", q(path), q(strings.Join(fl, " ")))
		}
	}
	b.WriteString(")\n")
	// Positions of hostname arguments per command path.
	b.WriteString("declare -gA _headendctl_hosts=(\n")
	for _, c := range t.Commands {
		for sub, pos := range c.Hosts {
			var ps []string
			for _, p := range pos {
				ps = append(ps, strconv.Itoa(p))
			}
			fmt.Fprintf(&b, "  [%s]=%s\n", q(strings.TrimSpace(c.Name+" "+sub)), q(strings.Join(ps, " ")))
		}
	}
	b.WriteString(")\n")
	fmt.Fprintf(&b, "_headendctl_kinds=%s\n", q(strings.Join(t.Kinds, " ")))
	fmt.Fprintf(&b, "_headendctl_eventkinds=%s\n", q(strings.Join(t.EventKinds, " ")))
	b.WriteString(bashFunction)
	return b.String()
}

// bashFunction completes a headendctl command line from the tables above.
const bashFunction = `
_headendctl_hostnames() {
	# A headend's own hostname is its field at the depth of list's headends
	# (its configurations hold a hostname deeper down).
	"${_headendctl_ctl[@]}" --call-timeout "$_headendctl_timeout" list -o json 2>/dev/null |
		sed -n 's/^      "hostname": *"\([^"]*\)".*/\1/p'
}

_headendctl_scenarios() {
	"${_headendctl_ctl[@]}" --call-timeout "$_headendctl_timeout" scenario list -o json 2>/dev/null |
		sed -n 's/^      "name": *"\([^"]*\)".*/\1/p'
}

# The contexts are a local file: no daemon is asked.
_headendctl_contexts() {
	"${COMP_WORDS[0]}" config get-contexts -o json 2>/dev/null | sed -n 's/^      "name": *"\([^"]*\)".*/\1/p'
}

# _headendctl_flag prints a flag word's name as the tables spell it.
_headendctl_flag() {
	local f=${1%%=*}
	f=${f#-}
	f=${f#-}
	if (( ${#f} == 1 )); then echo "-$f"; else echo "--$f"; fi
}

# _headendctl_takes PATH FLAG: whether FLAG takes a value after PATH.
_headendctl_takes() {
	if [[ -z $1 ]]; then
		[[ " $_headendctl_globals " == *" $2 "* ]]
	else
		[[ $2 == -o || $2 == --output || " ${_headendctl_flags[$1]} " == *" $2= "* ]]
	fi
}

_headendctl() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local path="" npos=0 i=1 w f
	_headendctl_ctl=("${COMP_WORDS[0]}")
	COMPREPLY=()
	while (( i < COMP_CWORD )); do
		w=${COMP_WORDS[i]}
		if [[ $w == -?* ]]; then
			f=$(_headendctl_flag "$w")
			if [[ $w != *=* ]] && _headendctl_takes "$path" "$f"; then
				[[ -z $path ]] && _headendctl_ctl+=("$w" "${COMP_WORDS[i+1]}")
				(( i += 2 ))
				continue
			fi
			[[ -z $path ]] && _headendctl_ctl+=("$w")
			(( i++ ))
			continue
		fi
		if [[ -z $path ]]; then
			path=$w
		elif (( npos == 0 )) && [[ " ${_headendctl_subs[${path#help }]} " == *" $w "* ]]; then
			path="$path $w"
		else
			(( npos++ ))
		fi
		(( i++ ))
	done
	if [[ $prev == -?* && $prev != *=* && $cur != -* ]] && (( COMP_CWORD > 1 )); then
		f=$(_headendctl_flag "$prev")
		if _headendctl_takes "$path" "$f"; then
			case $f in
			-o|--output) COMPREPLY=($(compgen -W "text json" -- "$cur")) ;;
			--kind)
				[[ $path == admit ]] && COMPREPLY=($(compgen -W "$_headendctl_kinds" -- "$cur"))
				[[ $path == events ]] && COMPREPLY=($(compgen -W "$_headendctl_eventkinds" -- "$cur")) ;;
			--headend) COMPREPLY=($(compgen -W "$(_headendctl_hostnames)" -- "$cur")) ;;
			--context) [[ -z $path ]] && COMPREPLY=($(compgen -W "$(_headendctl_contexts)" -- "$cur")) ;;
			esac
			return # otherwise the shell's default: file names
		fi
	fi
	if [[ $cur == -* ]]; then
		if [[ -z $path ]]; then
			COMPREPLY=($(compgen -W "$_headendctl_globals $_headendctl_globalbools --help" -- "$cur"))
		else
			local fl=${_headendctl_flags[$path]}
			COMPREPLY=($(compgen -W "${fl//=/} --help -o --output" -- "$cur"))
		fi
		return
	fi
	if [[ -z $path ]]; then
		COMPREPLY=($(compgen -W "$_headendctl_commands" -- "$cur"))
	elif (( npos == 0 )) && [[ -n ${_headendctl_subs[${path#help }]} ]]; then
		COMPREPLY=($(compgen -W "${_headendctl_subs[${path#help }]}" -- "$cur"))
	elif (( npos == 0 )) && [[ $path == "config use-context" || $path == "config delete-context" || $path == "config set-context" ]]; then
		COMPREPLY=($(compgen -W "$(_headendctl_contexts)" -- "$cur"))
	elif (( npos == 0 )) && [[ $path == "scenario start" ]]; then
		COMPREPLY=($(compgen -W "$(_headendctl_scenarios)" -- "$cur"))
	elif [[ " ${_headendctl_hosts[$path]} " == *" $npos "* ]]; then
		COMPREPLY=($(compgen -W "$(_headendctl_hostnames)" -- "$cur"))
	fi
}
complete -o bashdefault -o default -F _headendctl headendctl
`
