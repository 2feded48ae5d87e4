package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// DefaultSpillAt is how many results a report keeps in memory before it
// moves them to a temporary file: about 10 MB of results, past which a
// scan's memory would grow with its findings.
const DefaultSpillAt = 20_000

// store keeps a report's results in input order, in chunks (one file's
// results each). Past spillAt results the chunks move to a temporary file,
// removed by Close, and are read back one at a time by whoever iterates: a
// scan of 40,000 failing Pods holds no more results in memory than one of
// 1,000.
type store struct {
	chunks  []chunk
	n       int
	spillAt int
	file    *os.File
	size    int64
}

// chunk is one file's results: in memory, or at off..off+length of the
// spill file. facts are where namespace-level findings (grouped across
// files, so kept in memory by the report) sit among them.
type chunk struct {
	results []Result
	off     int64
	length  int64
	count   int
	facts   []factSlot
}

// factSlot puts the report's grouped namespace finding facts[group] at
// index pos of its chunk.
type factSlot struct {
	pos, group int
}

func (s *store) add(results []Result, facts []factSlot) error {
	if len(results) == 0 && len(facts) == 0 {
		return nil
	}
	c := chunk{results: results, count: len(results), facts: facts}
	s.n += len(results)
	s.chunks = append(s.chunks, c)
	if s.file == nil && s.spillAt > 0 && s.n > s.spillAt {
		return s.spill()
	}
	if s.file != nil {
		return s.write(&s.chunks[len(s.chunks)-1])
	}
	return nil
}

// spill moves every chunk in memory to a new temporary file.
func (s *store) spill() error {
	f, err := os.CreateTemp("", "shipshape-results-*")
	if err != nil {
		return fmt.Errorf("keeping the results on disk: %w", err)
	}
	s.file = f
	for i := range s.chunks {
		if err := s.write(&s.chunks[i]); err != nil {
			return err
		}
	}
	return nil
}

func (s *store) write(c *chunk) error {
	if c.results == nil {
		return nil
	}
	var buf bytes.Buffer
	// JSON, as the results are written: it keeps what the report shows
	// (a pointer to item 0, an empty requirement list), as gob would not.
	if err := json.NewEncoder(&buf).Encode(c.results); err != nil {
		return fmt.Errorf("keeping the results on disk: %w", err)
	}
	if _, err := s.file.WriteAt(buf.Bytes(), s.size); err != nil {
		return fmt.Errorf("keeping the results on disk: %w", err)
	}
	c.off, c.length, c.results = s.size, int64(buf.Len()), nil
	s.size += int64(buf.Len())
	return nil
}

// read returns a chunk's results, from memory or from the file.
func (s *store) read(c *chunk) ([]Result, error) {
	if c.results != nil || c.count == 0 {
		return c.results, nil
	}
	var out []Result
	dec := json.NewDecoder(bufio.NewReader(io.NewSectionReader(s.file, c.off, c.length)))
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("reading the results back: %w", err)
	}
	return out, nil
}

// close removes the spill file.
func (s *store) close() error {
	if s.file == nil {
		return nil
	}
	name := s.file.Name()
	err := errors.Join(s.file.Close(), os.Remove(name))
	s.file = nil
	return err
}

// setResults replaces a report's results with the given ones, in memory
// (tests and reports built by hand).
func (r *Report) setResults(results []Result) {
	_ = r.results.close()
	r.results = store{}
	r.facts = nil
	_ = r.results.add(results, nil)
}
