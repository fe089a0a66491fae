package portemu

import (
	"html/template"
	"net/http"
	"sort"
)

// pageTemplate is the catalog page for a person checking what a sync wrote.
// html/template escapes every value (identifiers and titles come from AWS).
var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Port emulator</title>
<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;font-size:13px}</style>
</head><body>
<h1>Port emulator</h1>
<p>Clock: {{.Now}} · {{.Total}} entities · <a href="/_emulator/">summary</a> · <a href="/_emulator/entities">entities JSON</a> · <a href="/_emulator/requests">request log</a></p>
<h2>Blueprints</h2>
<table><tr><th>identifier</th><th>title</th><th>entities</th></tr>
{{range .Blueprints}}<tr><td><a href="/?blueprint={{.ID}}">{{.ID}}</a></td><td>{{.Title}}</td><td>{{.Count}}</td></tr>
{{else}}<tr><td colspan="3">no blueprints</td></tr>{{end}}</table>
<h2>Entities{{if .Filter}} of {{.Filter}} (<a href="/">all</a>){{end}}</h2>
<table><tr><th>identifier</th><th>blueprint</th><th>title</th><th>datasource</th><th>updatedAt</th></tr>
{{range .Entities}}<tr><td>{{.Identifier}}</td><td>{{.Blueprint}}</td><td>{{.Title}}</td><td>{{.Datasource}}</td><td>{{.UpdatedAt.Format "2006-01-02T15:04:05.000Z07:00"}}</td></tr>
{{else}}<tr><td colspan="5">no entities</td></tr>{{end}}</table>
</body></html>
`))

type pageBlueprint struct {
	ID, Title string
	Count     int
}

func (s *Server) servePage(w http.ResponseWriter, r *http.Request) {
	filter := r.URL.Query().Get("blueprint")
	all := s.Entities()
	counts := map[string]int{}
	shown := make([]Entity, 0, len(all))
	for _, e := range all {
		counts[e.Blueprint]++
		if filter == "" || e.Blueprint == filter {
			shown = append(shown, e)
		}
	}
	s.mu.Lock()
	bps := make([]pageBlueprint, 0, len(s.blueprints))
	for id, bp := range s.blueprints {
		title, _ := bp["title"].(string)
		bps = append(bps, pageBlueprint{ID: id, Title: title, Count: counts[id]})
	}
	s.mu.Unlock()
	sort.Slice(bps, func(i, j int) bool { return bps[i].ID < bps[j].ID })
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	err := pageTemplate.Execute(w, map[string]any{
		"Now": fmtTime(s.Now()), "Total": len(all), "Blueprints": bps, "Entities": shown, "Filter": filter,
	})
	if err != nil {
		s.log.Error("port emulator page", "err", err)
	}
}
