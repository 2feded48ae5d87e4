package ireval

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/open-policy-agent/opa/v1/ir"

	"github.com/shipshape-dev/shipshape/engine/policy"
)

// The binary form of a plan: what `make build` embeds, so a scan loads the
// library's plan in a few milliseconds where decoding OPA's JSON plan takes
// over 100. It is gzip of: a magic line, the header (the digest of the
// sources the plan was made from, and the facts compiling them gave, as
// JSON), then the policy (strings, files, built-ins, functions, plans), with
// every integer a varint and every statement a kind byte and its fields.
// Locations are kept only where the evaluator reports an error (a
// conflict): findings carry their own field paths.
const magic = "shipshape-plan 2\n"

// magicPrefix starts the magic line of every version of the form.
const magicPrefix = "shipshape-plan "

// Header is what a plan file records about the sources it was made from.
type Header struct {
	// Digest identifies the sources.
	Digest string `json:"digest"`
	// Facts are what compiling them told (policy.Source.Facts), so a load
	// with the plan need not compile.
	Facts policy.Facts `json:"facts"`
}

// Statement kinds of the binary form.
const (
	kCall byte = iota + 1
	kDot
	kAssignVar
	kAssignVarOnce
	kBlock
	kBreak
	kScan
	kNot
	kEqual
	kNotEqual
	kIsDefined
	kIsUndefined
	kResetLocal
	kIsArray
	kIsObject
	kIsSet
	kLen
	kMakeNull
	kMakeNumberInt
	kAssignInt
	kMakeNumberRef
	kMakeArray
	kMakeObject
	kMakeSet
	kArrayAppend
	kObjectInsert
	kObjectInsertOnce
	kObjectMerge
	kSetAdd
	kResultSetAdd
	kReturnLocal
	kNop
)

// Operand tags.
const (
	opLocal byte = iota
	opString
	opBool
)

// Encode writes a plan and its header in the binary form.
func Encode(w io.Writer, p *ir.Policy, h Header) error {
	head, err := json.Marshal(h)
	if err != nil {
		return err
	}
	e := &encoder{}
	e.str(magic)
	e.str(string(head))
	e.uint(len(p.Static.Strings))
	for _, s := range p.Static.Strings {
		e.str(s.Value)
	}
	e.uint(len(p.Static.Files))
	for _, f := range p.Static.Files {
		e.str(f.Value)
	}
	e.uint(len(p.Static.BuiltinFuncs))
	for _, b := range p.Static.BuiltinFuncs {
		e.str(b.Name)
	}
	e.uint(len(p.Funcs.Funcs))
	for _, f := range p.Funcs.Funcs {
		e.str(f.Name)
		e.uint(len(f.Params))
		for _, l := range f.Params {
			e.uint(int(l))
		}
		e.uint(int(f.Return))
		e.blocks(f.Blocks)
	}
	e.uint(len(p.Plans.Plans))
	for _, pl := range p.Plans.Plans {
		e.str(pl.Name)
		e.blocks(pl.Blocks)
	}
	if e.err != nil {
		return e.err
	}
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := zw.Write(e.buf.Bytes()); err != nil {
		return err
	}
	return zw.Close()
}

// Decode reads a plan in the binary form and returns it with its header.
func Decode(data []byte) (*ir.Policy, Header, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, Header{}, fmt.Errorf("reading the plan: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, Header{}, fmt.Errorf("reading the plan: %w", err)
	}
	d := &decoder{data: raw}
	h, err := d.header()
	if err != nil {
		return nil, Header{}, err
	}
	p := &ir.Policy{Static: &ir.Static{}, Funcs: &ir.Funcs{}, Plans: &ir.Plans{}}
	for range d.count() {
		p.Static.Strings = append(p.Static.Strings, &ir.StringConst{Value: d.str()})
	}
	for range d.count() {
		p.Static.Files = append(p.Static.Files, &ir.StringConst{Value: d.str()})
	}
	for range d.count() {
		p.Static.BuiltinFuncs = append(p.Static.BuiltinFuncs, &ir.BuiltinFunc{Name: d.str()})
	}
	for range d.count() {
		f := &ir.Func{Name: d.str()}
		for range d.count() {
			f.Params = append(f.Params, d.local())
		}
		f.Return = d.local()
		f.Blocks = d.blocks()
		p.Funcs.Funcs = append(p.Funcs.Funcs, f)
	}
	for range d.count() {
		p.Plans.Plans = append(p.Plans.Plans, &ir.Plan{Name: d.str(), Blocks: d.blocks()})
	}
	if d.err == nil && d.off != len(d.data) {
		d.err = fmt.Errorf("%d bytes after the plan", len(d.data)-d.off)
	}
	if d.err != nil {
		return nil, Header{}, fmt.Errorf("reading the plan: %w", d.err)
	}
	return p, h, nil
}

// header reads the magic line and the header.
func (d *decoder) header() (Header, error) {
	switch m := d.str(); {
	case m == magic:
	case strings.HasPrefix(m, magicPrefix):
		// Another version of the form: made by another build, as stale as
		// a plan of other sources.
		return Header{}, fmt.Errorf("reading the plan: %q is not %q: %w", strings.TrimSpace(m), strings.TrimSpace(magic), ErrStale)
	default:
		return Header{}, errors.New("reading the plan: not a shipshape plan")
	}
	head := d.str()
	if d.err != nil {
		return Header{}, fmt.Errorf("reading the plan: %w", d.err)
	}
	var h Header
	if err := json.Unmarshal([]byte(head), &h); err != nil {
		return Header{}, fmt.Errorf("reading the plan's header: %w", err)
	}
	return h, nil
}

// ReadHeader returns a plan's header, reading no further than it.
func ReadHeader(data []byte) (Header, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return Header{}, fmt.Errorf("reading the plan: %w", err)
	}
	head := make([]byte, 64<<10)
	n, err := io.ReadFull(zr, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return Header{}, fmt.Errorf("reading the plan: %w", err)
	}
	d := &decoder{data: head[:n]}
	return d.header()
}

type encoder struct {
	buf bytes.Buffer
	err error
}

func (e *encoder) uint(n int) {
	e.buf.Write(binary.AppendUvarint(nil, uint64(n)))
}

func (e *encoder) int(n int64) {
	e.buf.Write(binary.AppendVarint(nil, n))
}

func (e *encoder) str(s string) {
	e.uint(len(s))
	e.buf.WriteString(s)
}

func (e *encoder) operand(o ir.Operand) {
	switch v := o.Value.(type) {
	case ir.Local:
		e.buf.WriteByte(opLocal)
		e.uint(int(v))
	case ir.StringIndex:
		e.buf.WriteByte(opString)
		e.uint(int(v))
	case ir.Bool:
		e.buf.WriteByte(opBool)
		if v {
			e.uint(1)
		} else {
			e.uint(0)
		}
	default:
		e.fail(fmt.Errorf("operand of type %T", o.Value))
	}
}

func (e *encoder) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

// location writes where a statement that can fail comes from: its file's
// index and its row and column.
func (e *encoder) location(l ir.Location) {
	e.uint(l.File)
	e.uint(l.Row)
	e.uint(l.Col)
}

func (e *encoder) locals(ls ...ir.Local) {
	for _, l := range ls {
		e.uint(int(l))
	}
}

func (e *encoder) blocks(bs []*ir.Block) {
	e.uint(len(bs))
	for _, b := range bs {
		e.block(b)
	}
}

func (e *encoder) block(b *ir.Block) {
	e.uint(len(b.Stmts))
	for _, stmt := range b.Stmts {
		e.stmt(stmt)
	}
}

func (e *encoder) stmt(stmt ir.Stmt) {
	k := func(kind byte) { e.buf.WriteByte(kind) }
	switch s := stmt.(type) {
	case *ir.CallStmt:
		k(kCall)
		e.str(s.Func)
		e.uint(len(s.Args))
		for _, a := range s.Args {
			e.operand(a)
		}
		e.locals(s.Result)
	case *ir.DotStmt:
		k(kDot)
		e.operand(s.Source)
		e.operand(s.Key)
		e.locals(s.Target)
	case *ir.AssignVarStmt:
		k(kAssignVar)
		e.operand(s.Source)
		e.locals(s.Target)
	case *ir.AssignVarOnceStmt:
		k(kAssignVarOnce)
		e.operand(s.Source)
		e.locals(s.Target)
		e.location(s.Location)
	case *ir.BlockStmt:
		k(kBlock)
		e.blocks(s.Blocks)
	case *ir.BreakStmt:
		k(kBreak)
		e.uint(int(s.Index))
	case *ir.ScanStmt:
		k(kScan)
		e.locals(s.Source, s.Key, s.Value)
		e.block(s.Block)
	case *ir.NotStmt:
		k(kNot)
		e.block(s.Block)
	case *ir.EqualStmt:
		k(kEqual)
		e.operand(s.A)
		e.operand(s.B)
	case *ir.NotEqualStmt:
		k(kNotEqual)
		e.operand(s.A)
		e.operand(s.B)
	case *ir.IsDefinedStmt:
		k(kIsDefined)
		e.locals(s.Source)
	case *ir.IsUndefinedStmt:
		k(kIsUndefined)
		e.locals(s.Source)
	case *ir.ResetLocalStmt:
		k(kResetLocal)
		e.locals(s.Target)
	case *ir.IsArrayStmt:
		k(kIsArray)
		e.operand(s.Source)
	case *ir.IsObjectStmt:
		k(kIsObject)
		e.operand(s.Source)
	case *ir.IsSetStmt:
		k(kIsSet)
		e.operand(s.Source)
	case *ir.LenStmt:
		k(kLen)
		e.operand(s.Source)
		e.locals(s.Target)
	case *ir.MakeNullStmt:
		k(kMakeNull)
		e.locals(s.Target)
	case *ir.MakeNumberIntStmt:
		k(kMakeNumberInt)
		e.int(s.Value)
		e.locals(s.Target)
	case *ir.AssignIntStmt:
		k(kAssignInt)
		e.int(s.Value)
		e.locals(s.Target)
	case *ir.MakeNumberRefStmt:
		k(kMakeNumberRef)
		e.uint(s.Index)
		e.locals(s.Target)
	case *ir.MakeArrayStmt:
		k(kMakeArray)
		e.uint(int(s.Capacity))
		e.locals(s.Target)
	case *ir.MakeObjectStmt:
		k(kMakeObject)
		e.locals(s.Target)
	case *ir.MakeSetStmt:
		k(kMakeSet)
		e.locals(s.Target)
	case *ir.ArrayAppendStmt:
		k(kArrayAppend)
		e.operand(s.Value)
		e.locals(s.Array)
	case *ir.ObjectInsertStmt:
		k(kObjectInsert)
		e.operand(s.Key)
		e.operand(s.Value)
		e.locals(s.Object)
	case *ir.ObjectInsertOnceStmt:
		k(kObjectInsertOnce)
		e.operand(s.Key)
		e.operand(s.Value)
		e.locals(s.Object)
		e.location(s.Location)
	case *ir.ObjectMergeStmt:
		k(kObjectMerge)
		e.locals(s.A, s.B, s.Target)
		e.location(s.Location)
	case *ir.SetAddStmt:
		k(kSetAdd)
		e.operand(s.Value)
		e.locals(s.Set)
	case *ir.ResultSetAddStmt:
		k(kResultSetAdd)
		e.locals(s.Value)
	case *ir.ReturnLocalStmt:
		k(kReturnLocal)
		e.locals(s.Source)
	case *ir.NopStmt:
		k(kNop)
	default:
		e.fail(fmt.Errorf("unsupported statement %T", stmt))
	}
}

type decoder struct {
	data []byte
	off  int
	err  error
}

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
	d.off = len(d.data)
}

func (d *decoder) uint() int {
	v, n := binary.Uvarint(d.data[d.off:])
	if n <= 0 || v > 1<<31 {
		d.fail(fmt.Errorf("bad integer at byte %d", d.off))
		return 0
	}
	d.off += n
	return int(v)
}

func (d *decoder) int() int64 {
	v, n := binary.Varint(d.data[d.off:])
	if n <= 0 {
		d.fail(fmt.Errorf("bad integer at byte %d", d.off))
		return 0
	}
	d.off += n
	return v
}

// count reads a length that cannot exceed the bytes left.
func (d *decoder) count() int {
	n := d.uint()
	if n > len(d.data)-d.off {
		d.fail(fmt.Errorf("count %d past the end at byte %d", n, d.off))
		return 0
	}
	return n
}

func (d *decoder) str() string {
	n := d.count()
	s := string(d.data[d.off : d.off+n])
	d.off += n
	return s
}

func (d *decoder) byte() byte {
	if d.off >= len(d.data) {
		d.fail(errors.New("unexpected end"))
		return 0
	}
	b := d.data[d.off]
	d.off++
	return b
}

func (d *decoder) local() ir.Local { return ir.Local(d.uint()) }

func (d *decoder) location() ir.Location {
	return ir.Location{File: d.uint(), Row: d.uint(), Col: d.uint()}
}

func (d *decoder) operand() ir.Operand {
	tag := d.byte()
	v := d.uint()
	switch tag {
	case opLocal:
		return ir.Operand{Value: ir.Local(v)}
	case opString:
		return ir.Operand{Value: ir.StringIndex(v)}
	case opBool:
		return ir.Operand{Value: ir.Bool(v == 1)}
	}
	d.fail(fmt.Errorf("bad operand tag %d", tag))
	return ir.Operand{Value: ir.Local(0)}
}

func (d *decoder) blocks() []*ir.Block {
	bs := make([]*ir.Block, d.count())
	for i := range bs {
		bs[i] = d.block()
	}
	return bs
}

func (d *decoder) block() *ir.Block {
	stmts := make([]ir.Stmt, d.count())
	for i := range stmts {
		stmts[i] = d.stmt()
	}
	return &ir.Block{Stmts: stmts}
}

func (d *decoder) stmt() ir.Stmt {
	switch kind := d.byte(); kind {
	case kCall:
		s := &ir.CallStmt{Func: d.str()}
		s.Args = make([]ir.Operand, d.count())
		for i := range s.Args {
			s.Args[i] = d.operand()
		}
		s.Result = d.local()
		return s
	case kDot:
		return &ir.DotStmt{Source: d.operand(), Key: d.operand(), Target: d.local()}
	case kAssignVar:
		return &ir.AssignVarStmt{Source: d.operand(), Target: d.local()}
	case kAssignVarOnce:
		s := &ir.AssignVarOnceStmt{Source: d.operand(), Target: d.local()}
		s.Location = d.location()
		return s
	case kBlock:
		return &ir.BlockStmt{Blocks: d.blocks()}
	case kBreak:
		return &ir.BreakStmt{Index: uint32(d.uint())}
	case kScan:
		return &ir.ScanStmt{Source: d.local(), Key: d.local(), Value: d.local(), Block: d.block()}
	case kNot:
		return &ir.NotStmt{Block: d.block()}
	case kEqual:
		return &ir.EqualStmt{A: d.operand(), B: d.operand()}
	case kNotEqual:
		return &ir.NotEqualStmt{A: d.operand(), B: d.operand()}
	case kIsDefined:
		return &ir.IsDefinedStmt{Source: d.local()}
	case kIsUndefined:
		return &ir.IsUndefinedStmt{Source: d.local()}
	case kResetLocal:
		return &ir.ResetLocalStmt{Target: d.local()}
	case kIsArray:
		return &ir.IsArrayStmt{Source: d.operand()}
	case kIsObject:
		return &ir.IsObjectStmt{Source: d.operand()}
	case kIsSet:
		return &ir.IsSetStmt{Source: d.operand()}
	case kLen:
		return &ir.LenStmt{Source: d.operand(), Target: d.local()}
	case kMakeNull:
		return &ir.MakeNullStmt{Target: d.local()}
	case kMakeNumberInt:
		return &ir.MakeNumberIntStmt{Value: d.int(), Target: d.local()}
	case kAssignInt:
		return &ir.AssignIntStmt{Value: d.int(), Target: d.local()}
	case kMakeNumberRef:
		return &ir.MakeNumberRefStmt{Index: d.uint(), Target: d.local()}
	case kMakeArray:
		return &ir.MakeArrayStmt{Capacity: int32(d.uint()), Target: d.local()}
	case kMakeObject:
		return &ir.MakeObjectStmt{Target: d.local()}
	case kMakeSet:
		return &ir.MakeSetStmt{Target: d.local()}
	case kArrayAppend:
		return &ir.ArrayAppendStmt{Value: d.operand(), Array: d.local()}
	case kObjectInsert:
		return &ir.ObjectInsertStmt{Key: d.operand(), Value: d.operand(), Object: d.local()}
	case kObjectInsertOnce:
		s := &ir.ObjectInsertOnceStmt{Key: d.operand(), Value: d.operand(), Object: d.local()}
		s.Location = d.location()
		return s
	case kObjectMerge:
		s := &ir.ObjectMergeStmt{A: d.local(), B: d.local(), Target: d.local()}
		s.Location = d.location()
		return s
	case kSetAdd:
		return &ir.SetAddStmt{Value: d.operand(), Set: d.local()}
	case kResultSetAdd:
		return &ir.ResultSetAddStmt{Value: d.local()}
	case kReturnLocal:
		return &ir.ReturnLocalStmt{Source: d.local()}
	case kNop:
		return &ir.NopStmt{}
	default:
		d.fail(fmt.Errorf("unknown statement kind %d", kind))
		return &ir.NopStmt{}
	}
}
