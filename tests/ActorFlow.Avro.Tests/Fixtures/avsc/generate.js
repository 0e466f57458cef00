'use strict';
// Regenerates cases.json (see README.md): npm install avsc@5.7.9 && node generate.js cases.json
const avsc = require('avsc');

const longType = avsc.types.LongType.__with({
  fromBuffer: (buf) => buf.readBigInt64LE(),
  toBuffer: (n) => { const buf = Buffer.alloc(8); buf.writeBigInt64LE(BigInt(n)); return buf; },
  fromJSON: (x) => BigInt(x),
  toJSON: (n) => Number(n),
  isValid: (n) => typeof n == 'bigint',
  compare: (a, b) => a === b ? 0 : (a < b ? -1 : 1),
});

function typeOf(schema) {
  return avsc.Type.forSchema(schema, { registry: { long: longType }, wrapUnions: true, typeHook: (s) => (s && s.type === 'long' ? longType : undefined) });
}

function fhex(v, n) {
  const b = Buffer.alloc(n);
  if (typeof v === 'bigint') v = Number(v);
  if (n === 4) b.writeFloatLE(v); else b.writeDoubleLE(v);
  return b.toString('hex');
}

// The canonical form both sides print: ints as decimal strings, floats as their LE bytes, bytes as hex,
// maps with sorted keys, unions as {i, v}.
function canon(t, v) {
  const n = t.typeName;
  switch (n) {
    case 'null': return null;
    case 'boolean': return v;
    case 'int': return String(v);
    case 'long': case 'abstract:long': return String(v);
    case 'float': return fhex(v, 4);
    case 'double': return fhex(v, 8);
    case 'bytes': case 'fixed': return Buffer.isBuffer(v) ? v.toString('hex') : Buffer.from(v).toString('hex');
    case 'string': return Buffer.isBuffer(v) ? v.toString('utf8') : v;
    case 'enum': return v;
    case 'array': return v.map((x) => canon(t.itemsType, x));
    case 'map': {
      const o = {};
      for (const k of Object.keys(v).sort()) o[k] = canon(t.valuesType, v[k]);
      return o;
    }
    case 'record': case 'error': {
      const o = {};
      for (const f of t.fields) o[f.name] = canon(f.type, v[f.name]);
      return o;
    }
    case 'union:wrapped': {
      if (v === null) return { i: t.types.findIndex((b) => b.typeName === 'null'), v: null };
      const key = Object.keys(v)[0];
      const i = t.types.findIndex((b) => b.branchName === key);
      return { i, v: canon(t.types[i], v[key]) };
    }
    default: throw new Error('canon: ' + n);
  }
}

function twos(unscaled, size) {
  // minimal big-endian two's complement (like Java BigInteger.toByteArray), or sign-extended to size
  let bytes = [];
  let v = unscaled;
  const neg = v < 0n;
  do { bytes.unshift(Number(BigInt.asUintN(8, v))); v >>= 8n; } while (!(v === (neg ? -1n : 0n) && ((bytes[0] & 0x80) !== 0) === neg));
  if (size !== undefined) while (bytes.length < size) bytes.unshift(neg ? 0xff : 0);
  return Buffer.from(bytes);
}
const R = (fields, extra = {}) => ({ type: 'record', name: 'Root', namespace: 'fx', fields: fields.map(([name, type, more]) => ({ name, type, ...(more || {}) })), ...extra });
const L = (x) => BigInt(x);
const buf = (h) => Buffer.from(h, 'hex');

const plain = [
  ['int_zigzag_boundaries', R([['a', 'int'], ['b', 'int'], ['c', 'int'], ['d', 'int'], ['e', 'int'], ['f', 'int']]), { a: 0, b: -1, c: 63, d: -64, e: 2147483647, f: -2147483648 }],
  ['long_extremes', R([['a', 'long'], ['b', 'long'], ['c', 'long'], ['d', 'long']]), { a: L('9223372036854775807'), b: L('-9223372036854775808'), c: L('2147483648'), d: L('-9007199254740993') }],
  ['float_specials', R([['nan', 'float'], ['pinf', 'float'], ['ninf', 'float'], ['negzero', 'float'], ['subnormal', 'float'], ['max', 'float']]),
    { nan: NaN, pinf: Infinity, ninf: -Infinity, negzero: -0, subnormal: 1.401298464324817e-45, max: 3.4028234663852886e38 }],
  ['double_specials', R([['nan', 'double'], ['pinf', 'double'], ['ninf', 'double'], ['negzero', 'double'], ['subnormal', 'double'], ['max', 'double']]),
    { nan: NaN, pinf: Infinity, ninf: -Infinity, negzero: -0, subnormal: 5e-324, max: Number.MAX_VALUE }],
  ['strings_unicode_and_empty', R([['empty', 'string'], ['latin', 'string'], ['cjk', 'string'], ['astral', 'string'], ['nul', 'string']]),
    { empty: '', latin: 'héllo wörld', cjk: '日本語テキスト', astral: '😀 𐍈', nul: 'a\u0000b' }],
  ['bytes_and_fixed', R([['empty', 'bytes'], ['some', 'bytes'], ['f', { type: 'fixed', name: 'F4', size: 4 }], ['one', { type: 'fixed', name: 'F1', size: 1 }]]),
    { empty: buf(''), some: buf('00ff7f80'), f: buf('deadbeef'), one: buf('00') }],
  ['enum_and_boolean', R([['e', { type: 'enum', name: 'Color', symbols: ['RED', 'GREEN', 'BLUE'] }], ['t', 'boolean'], ['f', 'boolean']]), { e: 'BLUE', t: true, f: false }],
  ['arrays_and_maps', R([['empty', { type: 'array', items: 'int' }], ['nums', { type: 'array', items: 'long' }], ['emptyMap', { type: 'map', values: 'string' }],
    ['map', { type: 'map', values: 'int' }], ['nested', { type: 'array', items: { type: 'map', values: { type: 'array', items: 'string' } } }]]),
    { empty: [], nums: [L(1), L(-1), L('9223372036854775807')], emptyMap: {}, map: { '': 0, 'k': 1, 'ключ': -1, '鍵': 2, '😀': 3 }, nested: [{}, { a: [], b: ['x', ''] }] }],
  ['nullable_unions_both_orders', R([['a', ['null', 'string']], ['b', ['null', 'string']], ['c', ['long', 'null']], ['d', ['long', 'null']]]),
    { a: null, b: { string: 'x' }, c: { long: L(-3) }, d: null }],
  ['multi_branch_unions', R([
    ['u1', ['null', 'int', 'string', { type: 'record', name: 'Inner', fields: [{ name: 'x', type: 'double' }] }, { type: 'enum', name: 'E', symbols: ['A', 'B'] }, { type: 'array', items: 'int' }, { type: 'map', values: 'boolean' }]],
    ['u2', ['null', 'int', 'string', 'fx.Inner', 'fx.E']], ['u3', ['null', 'int', 'string', 'fx.Inner', 'fx.E']], ['u4', ['float', 'double', 'bytes']], ['u5', ['float', 'double', 'bytes']],
    ['u6', [{ type: 'array', items: 'int' }, { type: 'map', values: 'boolean' }, 'null']]]),
    { u1: { 'fx.Inner': { x: -0.5 } }, u2: { 'fx.E': 'B' }, u3: { int: -1 }, u4: { double: 1.5 }, u5: { float: 1.5 }, u6: { map: { t: true } } }],
  ['nested_records_and_namespaces', {
    type: 'record', name: 'Outer', namespace: 'fx.a', fields: [
      { name: 'in', type: { type: 'record', name: 'Mid', fields: [{ name: 'deep', type: { type: 'record', name: 'Deep', namespace: 'fx.b', fields: [{ name: 'v', type: 'int' }] } }] } },
      { name: 'again', type: 'fx.b.Deep' }, { name: 'empty', type: { type: 'record', name: 'Empty', fields: [] } }, { name: 'mids', type: { type: 'array', items: 'Mid' } }],
  }, { in: { deep: { v: 1 } }, again: { v: -2 }, empty: {}, mids: [{ deep: { v: 3 } }] }],
  ['decimal_bytes_minimal_twos_complement', R([['zero', { type: 'bytes', logicalType: 'decimal', precision: 10, scale: 2 }], ['neg128', { type: 'bytes', logicalType: 'decimal', precision: 10, scale: 2 }],
    ['pos128', { type: 'bytes', logicalType: 'decimal', precision: 10, scale: 2 }], ['neg1', { type: 'bytes', logicalType: 'decimal', precision: 10, scale: 0 }],
    ['wide', { type: 'bytes', logicalType: 'decimal', precision: 30, scale: 10 }]]),
    { zero: twos(0n), neg128: twos(-128n), pos128: twos(128n), neg1: twos(-1n), wide: twos(-(10n ** 30n - 1n)) }],
  ['decimal_fixed_sign_extended', R([['pos', { type: 'fixed', name: 'Dec8', size: 8, logicalType: 'decimal', precision: 18, scale: 4 }], ['neg', 'fx.Dec8']]),
    { pos: twos(12345n, 8), neg: twos(-12345n, 8) }],
  ['uuid_date_and_times', R([['id', { type: 'string', logicalType: 'uuid' }], ['epoch', { type: 'int', logicalType: 'date' }], ['before', { type: 'int', logicalType: 'date' }],
    ['minDate', { type: 'int', logicalType: 'date' }], ['ms', { type: 'int', logicalType: 'time-millis' }], ['us', { type: 'long', logicalType: 'time-micros' }]]),
    { id: '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b', epoch: 0, before: -1, minDate: -719162, ms: 86399999, us: L('86399999999') }],
  ['timestamps_near_epoch', R([['ms', { type: 'long', logicalType: 'timestamp-millis' }], ['msNeg', { type: 'long', logicalType: 'timestamp-millis' }],
    ['us', { type: 'long', logicalType: 'timestamp-micros' }], ['usNeg', { type: 'long', logicalType: 'timestamp-micros' }], ['opt', ['null', { type: 'long', logicalType: 'timestamp-millis' }]]]),
    { ms: L('1700000000123'), msNeg: L(-1), us: L('1700000000123456'), usNeg: L('-1000001'), opt: { long: L(0) } }],
];

// [name, writer, reader, writer value, note]
const W = R([['i', 'int'], ['l', 'long'], ['f', 'float'], ['s', 'string'], ['b', 'bytes']]);
const pairs = [
  ['promotions', W, R([['i', 'double'], ['l', 'float'], ['f', 'double'], ['s', 'bytes'], ['b', 'string']]),
    { i: 2147483647, l: L('9007199254740993'), f: 0.1, s: 'é', b: buf('c3a9') }, 'int->double, long->float (one rounding), float->double, string<->bytes'],
  ['int_to_long_and_float', R([['a', 'int'], ['b', 'int']]), R([['a', 'long'], ['b', 'float']]), { a: -2147483648, b: 16777217 }, 'int->float rounds to nearest even'],
  ['added_fields_with_defaults', R([['keep', 'int']]), R([['keep', 'int'], ['s', 'string', { default: 'dé' }], ['b', 'bytes', { default: '\u0000\u00ff' }],
    ['n', ['null', 'int'], { default: null }], ['e', { type: 'enum', name: 'E', symbols: ['X', 'Y'] }, { default: 'Y' }], ['fx', { type: 'fixed', name: 'F2', size: 2 }, { default: '\u00ab\u00cd' }],
    ['r', { type: 'record', name: 'P', fields: [{ name: 'x', type: 'long' }, { name: 'y', type: { type: 'array', items: 'int' } }] }, { default: { x: 5, y: [1, 2] } }],
    ['m', { type: 'map', values: 'double' }, { default: { a: 1.5 } }]]), { keep: 7 }, 'bytes and fixed defaults are ISO-8859-1 strings; a union default is of its first branch'],
  ['removed_and_reordered_fields', R([['a', 'int'], ['gone', { type: 'array', items: 'string' }], ['b', 'string'], ['gone2', ['null', { type: 'map', values: 'long' }]]]),
    R([['b', 'string'], ['a', 'int']]), { a: 1, gone: ['x', 'y'], b: 'z', gone2: { map: { k: L(1) } } }, 'skipped writer fields, reader field order'],
  ['field_and_record_aliases', R([['old', 'int'], ['sub', { type: 'record', name: 'OldSub', fields: [{ name: 'v', type: 'string' }] }]]),
    R([['renamed', 'int', { aliases: ['old'] }], ['sub', { type: 'record', name: 'NewSub', aliases: ['fx.OldSub'], fields: [{ name: 'v', type: 'string' }] }]]),
    { old: 3, sub: { v: 'w' } }, 'reader field alias, reader record alias'],
  ['enum_default_for_unknown_symbol', R([['e', { type: 'enum', name: 'E', symbols: ['A', 'B', 'C'] }], ['k', { type: 'enum', name: 'K', symbols: ['A', 'B'] }]]),
    R([['e', { type: 'enum', name: 'E', symbols: ['C', 'A'], default: 'A' }], ['k', { type: 'enum', name: 'K', symbols: ['B', 'A'] }]]), { e: 'B', k: 'B' }, 'unknown symbol takes the enum default; symbols resolve by name'],
  ['non_union_to_union', R([['a', 'int'], ['b', 'string'], ['c', 'long']]), R([['a', ['null', 'int']], ['b', ['string', 'null']], ['c', ['null', 'string', 'double']]]),
    { a: 4, b: 'q', c: L(-2) }, 'writer value goes to the matching reader branch (long promoted to double)'],
  ['union_to_non_union', R([['a', ['int', 'long']], ['b', ['float', 'int']]]), R([['a', 'long'], ['b', 'double']]), { a: { int: 9 }, b: { float: 0.1 } }, 'the written branch is resolved against the reader type'],
  ['union_exact_branch_before_promotion', R([['u', ['null', 'int', 'float']]]), R([['u', ['null', 'double', 'float', 'long', 'int']]]), { u: { float: 1.5 } },
    'Apache Avro Java (ResolvingGrammarGenerator.bestBranch) takes the exact float branch before the promotable double branch; avsc 5.7.9 takes the first branch that can read it (double). The expected value here is Java\'s.'],
];

const out = [];
for (const [name, schema, v] of plain) {
  const t = typeOf(schema);
  if (!t.isValid(v, { errorHook: (p) => console.error('invalid', name, p) })) throw new Error(name);
  const b = t.toBuffer(v);
  out.push({ name, schema: JSON.stringify(schema), hex: b.toString('hex'), value: canon(t, t.fromBuffer(b)) });
}
for (const [name, w, rd, v, note] of pairs) {
  const wt = typeOf(w), rt = typeOf(rd);
  const b = wt.toBuffer(v);
  let rv = canon(rt, rt.fromBuffer(b, rt.createResolver(wt)));
  if (name === 'union_exact_branch_before_promotion') {
    if (JSON.stringify(rv) !== JSON.stringify({ u: { i: 1, v: canon(typeOf('double'), 1.5) } })) throw new Error('avsc changed: ' + JSON.stringify(rv));
    rv = { u: { i: 2, v: canon(typeOf('float'), 1.5) } }; // Java's choice, see note
  }
  out.push({ name, note, schema: JSON.stringify(w), reader: JSON.stringify(rd), hex: b.toString('hex'), value: canon(wt, wt.fromBuffer(b)), readerValue: rv });
}
require('fs').writeFileSync(process.argv[2] || 'fixtures.json', JSON.stringify(out, null, 2) + '\n');
console.log('fixtures', out.length);
