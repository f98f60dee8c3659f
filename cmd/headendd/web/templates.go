package web

import (
	"html/template"
	"net/url"
)

// pages are the templates under assets/templates, each parsed with the
// layout.
var pages = []string{"labs", "login", "error", "fleet", "headend", "shared", "events", "scenario", "charts", "clock"}

func parseTemplates() (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"pathEscape": url.PathEscape,
		"list":       func(v ...string) []string { return v },
		"cols":       func() []fleetCol { return fleetCols },
		"labURL":     labURL,
		"hostURL":    hostURL,
	}
	out := make(map[string]*template.Template, len(pages))
	for _, p := range pages {
		t, err := template.New(p).Funcs(funcs).ParseFS(assets, "assets/templates/layout.html", "assets/templates/"+p+".html")
		if err != nil {
			return nil, err
		}
		out[p] = t
	}
	return out, nil
}

// labURL is the path of a lab's fleet page, which its other pages are
// under.
func labURL(lab string) string { return "/labs/" + url.PathEscape(lab) + "/" }

// hostURL is the path of a headend's page.
func hostURL(lab, host string) string { return labURL(lab) + "headends/" + url.PathEscape(host) }

type fleetCol struct{ Key, Name string }

// fleetCols are the fleet table's columns; Key names the sort ("": none).
var fleetCols = []fleetCol{{"hostname", "Hostname"}, {"model", "Model"}, {"family", "Family"}, {"serial", "Serial"},
	{"state", "State"}, {"license", "License"}, {"reload", "Reload pending"}, {"", "Essentials (running / saved)"},
	{"anyconnect", "AnyConnect / limit in force"}, {"sessions", "Sessions / platform total"}, {"refusals", "Refusals (last hour)"}}
