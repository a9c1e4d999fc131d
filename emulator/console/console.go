package console

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/idpool/idpool/storage"
)

// Prefix is the path every console page lives under.
const Prefix = "/_idpool/console"

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Config is what the console reads and acts on. The functions are the
// emulator's own operations, so that the console shows a pool exactly as
// the API does and acts exactly as the test controls do.
type Config struct {
	Store  storage.Reader
	Logger *slog.Logger
	Now    func() time.Time

	// Describe returns a pool as DescribeIdentityPool answers it, and
	// Roles as GetIdentityPoolRoles does; both are shown as JSON.
	Describe func(ctx context.Context, poolID string) (any, error)
	Roles    func(ctx context.Context, poolID string) (any, error)
	// Verify checks a token against idpool's signing keys and the
	// declared providers' key sets; see Check.
	Verify func(ctx context.Context, token string) []Check

	// The actions.
	DeleteIdentity func(ctx context.Context, id string) error
	// Expire makes the credentials of an access key id expired now.
	Expire func(ctx context.Context, accessKeyID string, expiry time.Time) error
	// CredentialsExpired and TokenExpired report whether credentials (by
	// access key id) or one of idpool's tokens were expired early, by
	// the console or the test controls; nil reports none.
	CredentialsExpired func(accessKeyID string) bool
	TokenExpired       func(token string) bool

	RotateKey func(ctx context.Context) (kid string, err error)
	Reset     func(ctx context.Context) error
}

// Console serves the pages. Activity and Issued are fed by the emulator.
type Console struct {
	cfg      Config
	Activity *Activity
	Issued   *Issued
	pages    map[string]*template.Template
	handler  http.Handler
}

// New parses the embedded templates and builds the console's routes.
func New(cfg Config) (*Console, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.CredentialsExpired == nil {
		cfg.CredentialsExpired = func(string) bool { return false }
	}
	if cfg.TokenExpired == nil {
		cfg.TokenExpired = func(string) bool { return false }
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	c := &Console{cfg: cfg, Activity: NewActivity(activitySize), Issued: NewIssued(issuedSize), pages: map[string]*template.Template{}}
	c.Activity.clock = cfg.Now
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		base := strings.TrimSuffix(n[len("templates/"):], ".html")
		if base == "layout" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", n)
		if err != nil {
			return nil, err
		}
		c.pages[base] = t
	}
	static, err := fs.Sub(staticFiles, "static")
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+Prefix+"/{$}", c.poolsPage)
	mux.HandleFunc("GET "+Prefix+"/pools/{pool}", c.poolPage)
	mux.HandleFunc("GET "+Prefix+"/identities/{id}", c.identityPage)
	mux.HandleFunc("GET "+Prefix+"/activity", c.activityPage)
	mux.HandleFunc("GET "+Prefix+"/activity/events", c.activityEvents)
	mux.HandleFunc("GET "+Prefix+"/token", c.tokenPage)
	mux.HandleFunc("POST "+Prefix+"/token", c.tokenPage)
	mux.HandleFunc("POST "+Prefix+"/identities/{id}/delete", c.deleteIdentity)
	mux.HandleFunc("POST "+Prefix+"/identities/{id}/expire", c.expireCredentials)
	mux.HandleFunc("POST "+Prefix+"/keys/rotate", c.rotateKey)
	mux.HandleFunc("GET "+Prefix+"/reset", c.resetPage)
	mux.HandleFunc("POST "+Prefix+"/reset", c.reset)
	mux.Handle("GET "+Prefix+"/static/", http.StripPrefix(Prefix+"/static/", http.FileServerFS(static)))
	mux.HandleFunc(Prefix, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, Prefix+"/", http.StatusFound)
	})
	// Any other path under the console is a page of the console's that
	// does not exist.
	mux.HandleFunc(Prefix+"/", func(w http.ResponseWriter, r *http.Request) {
		c.fail(w, r, storage.ErrNotFound)
	})
	// Every action is a POST; a browser's cross-site POST (by its
	// Sec-Fetch-Site or Origin) is refused, so that no other page the
	// tester has open can delete identities.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(headers(http.HandlerFunc(c.crossOrigin)))
	c.handler = cop.Handler(headers(mux))
	return c, nil
}

// crossOrigin answers a POST that CrossOriginProtection refused (a 403,
// the action not taken) with what Go's own text leaves out: the Origin and
// the Host idpool received, and what to do. Without Sec-Fetch-Site (which
// browsers send only to secure origins, localhost among them) the check
// compares Origin with Host, so a proxy that rewrites Host, as nginx does
// by default, refuses every action of a console opened through it.
func (c *Console) crossOrigin(w http.ResponseWriter, r *http.Request) {
	c.render(w, r, http.StatusForbidden, "crossorigin", "Refused: not the console's own page", struct{ FetchSite, Origin, Host string }{
		clip(r.Header.Get("Sec-Fetch-Site")), clip(r.Header.Get("Origin")), clip(r.Host)})
}

// headers sets what every console answer carries: no caching (a page is
// the state of the moment; the event stream sets its own), and a
// policy that allows only the console's own stylesheet and script, no
// plugin, and no <base> that would send its relative links elsewhere.
// The console is for its own origin: idpool's edge gives its answers no
// CORS header, which would let another site's page read them.
func headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) { c.handler.ServeHTTP(w, r) }

var funcs = template.FuncMap{
	"time": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04:05Z")
	},
	"inc": func(i int) int { return i + 1 },
	// html/template escapes a value in a URL's query itself (escaping it
	// here too would encode it twice), but leaves "/" and "?" in a path
	// alone: a path segment is escaped here.
	"path": url.PathEscape,
}

// page is what every template gets: the page's title and data, and the
// flash message of the action that led here (see flashes).
type page struct {
	Title  string
	Nav    string
	Flash  string
	Prefix string
	Data   any
}

// render executes the named page into a buffer first, so that a template
// error is a clean 500 and not half a page.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	t := c.pages[name]
	var b bytes.Buffer
	p := page{Title: title, Nav: name, Flash: flashes[r.URL.Query().Get("done")], Prefix: Prefix, Data: data}
	if err := t.ExecuteTemplate(&b, "layout", p); err != nil {
		c.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// fail answers an error page; the error is logged, not shown, unless it
// is a not-found.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, storage.ErrNotFound) {
		c.render(w, r, http.StatusNotFound, "error", "Not found", "Not found: "+r.URL.Path)
		return
	}
	c.cfg.Logger.Error("console", "path", r.URL.Path, "err", err)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	w.Write([]byte("internal error; see idpool's log\n"))
}

// pretty renders v as indented JSON for a <pre>. It leaves <, > and &
// as they are: the template escapes them for HTML, and the reader sees
// the value as the API would send it.
func pretty(v any) string { return jsonText(v, "  ") }

// jsonText renders v as JSON as pretty does, each level indented by
// indent, or on one line when indent is "".
func jsonText(v any, indent string) string {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	e.SetIndent("", indent)
	if err := e.Encode(v); err != nil {
		return err.Error()
	}
	return strings.TrimSuffix(b.String(), "\n")
}
