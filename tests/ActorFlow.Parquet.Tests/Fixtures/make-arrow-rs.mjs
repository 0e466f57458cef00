// Writes the arrow-rs fixtures (parquet-wasm 0.8.0 = arrow-rs's Parquet writer, apache-arrow 21 for the table):
//   npm install parquet-wasm@0.8.0 apache-arrow@21 && node make-arrow-rs.mjs <directory>
// 300 rows in row groups of 128, Snappy; data pages V1 and V2. Lists name their element 'item' (arrow's default).
import * as arrow from 'apache-arrow';
import { createRequire } from 'module';
const require = createRequire(import.meta.url);
const pw = require('parquet-wasm/node');
import fs from 'fs';

const n = 300;
const mk = (type, f) => arrow.vectorFromArray(Array.from({length: n}, (_, i) => f(i)), type);
const base = Date.UTC(2026, 0, 1, 10, 0, 0);
const table = new arrow.Table({
  id: mk(new arrow.Int32(), i => i),
  big: mk(new arrow.Int64(), i => BigInt(i) * 100000000000n),
  f: mk(new arrow.Float32(), i => i / 4),
  d: mk(new arrow.Float64(), i => i % 9 === 0 ? null : i / 3),
  s: mk(new arrow.Utf8(), i => i % 5 === 0 ? null : (i % 5 === 1 ? '' : 'k' + (i % 37))),
  b: mk(new arrow.Bool(), i => i % 2 === 0),
  tsms: mk(new arrow.TimestampMillisecond(), i => base + i * 1000),
  tsus_utc: mk(new arrow.TimestampMicrosecond('UTC'), i => base + i * 1000 + 7),
  tsns: mk(new arrow.TimestampNanosecond(), i => base + i * 1000 + 9),
  day: mk(new arrow.DateDay(), i => new Date(base + i * 86400000)),
  li: mk(new arrow.List(new arrow.Field('item', new arrow.Int32(), true)), i => i % 13 === 0 ? null : (i % 13 === 1 ? [] : [i, null, i + 1])),
  st: mk(new arrow.Struct([new arrow.Field('name', new arrow.Utf8(), true), new arrow.Field('v', new arrow.Int64(), true)]), i => i % 17 === 0 ? null : {name: 'n' + i, v: BigInt(i)}),
});
const out = process.argv[2];
for (const v2 of [false, true]) {
  const props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.SNAPPY).setMaxRowGroupSize(128)
    .setWriterVersion(v2 ? pw.WriterVersion.V2 : pw.WriterVersion.V1).build();
  const wasmTable = pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'));
  fs.writeFileSync(`${out}/arrow-rs-${v2 ? 'v2' : 'v1'}.parquet`, pw.writeParquet(wasmTable, props));
}
