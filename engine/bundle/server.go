package bundle

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	opabundle "github.com/open-policy-agent/opa/v1/bundle"
)

// LongPollContentType tells OPA's bundle downloader that the server
// supports long polling.
const LongPollContentType = "application/vnd.openpolicyagent.bundles"

// ServerOptions tunes a bundle server.
type ServerOptions struct {
	// Token, when set, is the bearer token every bundle request must carry.
	Token string
	// MaxWait caps how long a long-polling request is held (default 60s).
	MaxWait time.Duration
	// ReloadInterval is how often bundle files are checked for changes
	// (default 1s).
	ReloadInterval time.Duration
	// MaxBundleBytes refuses larger bundle files (default 64 MiB).
	MaxBundleBytes int64
	// Logf reports reloads and refused reloads (silent when nil).
	Logf func(format string, args ...any)
}

// Server serves bundle files the way OPA's bundle plugin downloads them:
// each file at /<its file name>, with an ETag, 304 for If-None-Match,
// long polling (Prefer: wait=N), optional bearer-token auth, and /healthz.
// A file that changes on disk is reloaded, and waiting clients get it at
// once. Only the named files are reachable.
type Server struct {
	opts    ServerOptions
	mu      sync.RWMutex
	bundles map[string]*served // by URL name
	changed chan struct{}      // closed and replaced on every reload
}

type served struct {
	file    string
	data    []byte
	etag    string
	modTime time.Time
	size    int64
}

// NewServer loads the bundle files. Two files with the same base name, and
// files that are not OPA bundles, are refused.
func NewServer(files []string, opts ServerOptions) (*Server, error) {
	if len(files) == 0 {
		return nil, errors.New("no bundle to serve")
	}
	if opts.MaxWait <= 0 {
		opts.MaxWait = 60 * time.Second
	}
	if opts.ReloadInterval <= 0 {
		opts.ReloadInterval = time.Second
	}
	if opts.MaxBundleBytes <= 0 {
		opts.MaxBundleBytes = 64 << 20
	}
	s := &Server{opts: opts, bundles: map[string]*served{}, changed: make(chan struct{})}
	for _, f := range files {
		name := filepath.Base(f)
		if prev, dup := s.bundles[name]; dup {
			return nil, fmt.Errorf("%s and %s would both be served at /%s", prev.file, f, name)
		}
		b, err := s.load(f)
		if err != nil {
			return nil, err
		}
		s.bundles[name] = b
	}
	return s, nil
}

// load reads and checks one bundle file.
func (s *Server) load(file string) (*served, error) {
	info, err := os.Stat(file)
	if err != nil {
		return nil, fmt.Errorf("bundle %s: %w", file, err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("bundle %s: not a regular file", file)
	}
	if info.Size() > s.opts.MaxBundleBytes {
		return nil, fmt.Errorf("bundle %s: %d bytes, more than the %d allowed", file, info.Size(), s.opts.MaxBundleBytes)
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("bundle %s: %w", file, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, s.opts.MaxBundleBytes+1))
	if err != nil {
		return nil, fmt.Errorf("bundle %s: %w", file, err)
	}
	if int64(len(data)) > s.opts.MaxBundleBytes {
		return nil, fmt.Errorf("bundle %s: larger than the %d bytes allowed", file, s.opts.MaxBundleBytes)
	}
	// Signatures are OPA's to check; this only refuses files that are not
	// bundles at all.
	if _, err := opabundle.NewReader(bytes.NewReader(data)).WithSkipBundleVerification(true).WithSizeLimitBytes(s.opts.MaxBundleBytes).Read(); err != nil {
		return nil, fmt.Errorf("bundle %s: not an OPA bundle: %w", file, err)
	}
	sum := sha256.Sum256(data)
	return &served{file: file, data: data, etag: `"` + hex.EncodeToString(sum[:]) + `"`, modTime: info.ModTime(), size: info.Size()}, nil
}

// Watch reloads changed bundle files until ctx ends.
func (s *Server) Watch(ctx context.Context) {
	t := time.NewTicker(s.opts.ReloadInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.Reload()
		}
	}
}

// Reload rereads every bundle file whose size or modification time
// changed. A file that no longer loads keeps being served as it was.
func (s *Server) Reload() {
	s.mu.RLock()
	var stale []string
	for name, b := range s.bundles {
		info, err := os.Stat(b.file)
		if err == nil && (info.Size() != b.size || !info.ModTime().Equal(b.modTime)) {
			stale = append(stale, name)
		}
	}
	s.mu.RUnlock()
	if len(stale) == 0 {
		return
	}
	updated := false
	for _, name := range stale {
		s.mu.RLock()
		file, oldETag := s.bundles[name].file, s.bundles[name].etag
		s.mu.RUnlock()
		b, err := s.load(file)
		if err != nil {
			s.logf("keeping the previous %s: %v", name, err)
			continue
		}
		s.mu.Lock()
		s.bundles[name] = b
		s.mu.Unlock()
		if b.etag != oldETag {
			s.logf("reloaded %s (etag %s)", name, b.etag)
			updated = true
		}
	}
	if updated {
		s.mu.Lock()
		close(s.changed)
		s.changed = make(chan struct{})
		s.mu.Unlock()
	}
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/healthz" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if !s.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="shipshape"`)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	name := strings.TrimPrefix(r.URL.Path, "/")
	s.mu.RLock()
	b, ok := s.bundles[name]
	changed := s.changed
	s.mu.RUnlock()
	if !ok || strings.Contains(name, "/") {
		http.NotFound(w, r)
		return
	}
	wait := preferWait(r.Header.Get("Prefer"), s.opts.MaxWait)
	if wait > 0 {
		w.Header().Set("Content-Type", LongPollContentType)
	}
	if etagMatches(r.Header.Get("If-None-Match"), b.etag) && wait > 0 {
		// Long poll: hold the request until the bundle changes or the wait
		// ends.
		timer := time.NewTimer(wait)
		defer timer.Stop()
		for etagMatches(r.Header.Get("If-None-Match"), b.etag) {
			select {
			case <-changed:
				s.mu.RLock()
				b, changed = s.bundles[name], s.changed
				s.mu.RUnlock()
				continue
			case <-timer.C:
			case <-r.Context().Done():
				return
			}
			break
		}
	}
	w.Header().Set("ETag", b.etag)
	w.Header().Set("Cache-Control", "no-cache")
	if etagMatches(r.Header.Get("If-None-Match"), b.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if wait == 0 {
		w.Header().Set("Content-Type", "application/gzip")
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(b.data)))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(b.data)
	}
}

// authorized compares the bearer token in constant time.
func (s *Server) authorized(r *http.Request) bool {
	if s.opts.Token == "" {
		return true
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(s.opts.Token)) == 1
}

// etagMatches reports whether an If-None-Match header (a list, as OPA
// sends the current and superseded ETags) names etag.
func etagMatches(header, etag string) bool {
	for _, e := range strings.Split(header, ",") {
		e = strings.TrimPrefix(strings.TrimSpace(e), "W/")
		if e == etag || e == "*" {
			return true
		}
	}
	return false
}

// preferWait reads "wait=N" from a Prefer header (OPA sends
// "modes=snapshot,delta;wait=N"), capped at max; 0 when absent.
func preferWait(header string, max time.Duration) time.Duration {
	for _, part := range strings.FieldsFunc(header, func(r rune) bool { return r == ';' || r == ',' }) {
		v, ok := strings.CutPrefix(strings.TrimSpace(part), "wait=")
		if !ok {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n <= 0 {
			return 0
		}
		d := time.Duration(n) * time.Second
		if d > max {
			d = max
		}
		return d
	}
	return 0
}

// HTTPServer wraps a handler with the timeouts and limits a bundle server
// needs: headers must arrive promptly, headers are small, and writes may
// take as long as the longest long poll plus the transfer.
func HTTPServer(addr string, h http.Handler, maxWait time.Duration) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      maxWait + 60*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
	}
}
