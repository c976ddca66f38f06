// A .keras file is a zip of config.json, metadata.json and the weights; nncalc reads only the
// first two, so the page keeps a zip of those (a 100 MB model becomes a few KB) before it hands
// the file to the calculator. Anything it does not understand (not a zip, zip64) is kept as it
// is, for nncalc to judge.
export function keepConfigOnly(bytesIn) {
  const view = new DataView(bytesIn.buffer, bytesIn.byteOffset, bytesIn.byteLength);
  let eocd = -1;
  for (let i = bytesIn.length - 22; i >= Math.max(0, bytesIn.length - 65557); i -= 1) {
    if (view.getUint32(i, true) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) return bytesIn;
  const count = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  const keep = [];
  for (let n = 0; n < count; n += 1) {
    if (p + 46 > bytesIn.length || view.getUint32(p, true) !== 0x02014b50) return bytesIn;
    const method = view.getUint16(p + 10, true), crc = view.getUint32(p + 16, true);
    const csize = view.getUint32(p + 20, true), usize = view.getUint32(p + 24, true);
    const nlen = view.getUint16(p + 28, true), xlen = view.getUint16(p + 30, true), clen = view.getUint16(p + 32, true);
    const local = view.getUint32(p + 42, true);
    const name = bytesIn.subarray(p + 46, p + 46 + nlen);
    const text = new TextDecoder().decode(name);
    if (text === "config.json" || text === "metadata.json") {
      if (csize === 0xffffffff || local + 30 > bytesIn.length) return bytesIn;
      const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
      keep.push({ name, method, crc, csize, usize, data: bytesIn.subarray(start, start + csize) });
    }
    p += 46 + nlen + xlen + clen;
  }
  if (!keep.some((entry) => new TextDecoder().decode(entry.name) === "config.json")) return bytesIn;
  const parts = [], central = [];
  let offset = 0;
  const header = (size) => { const b = new Uint8Array(size); return [b, new DataView(b.buffer)]; };
  for (const entry of keep) {
    const [lh, l] = header(30);
    l.setUint32(0, 0x04034b50, true); l.setUint16(4, 20, true); l.setUint16(8, entry.method, true);
    l.setUint16(12, 0x21, true); l.setUint32(14, entry.crc, true); l.setUint32(18, entry.csize, true);
    l.setUint32(22, entry.usize, true); l.setUint16(26, entry.name.length, true);
    const [ch, c] = header(46);
    c.setUint32(0, 0x02014b50, true); c.setUint16(4, 20, true); c.setUint16(6, 20, true); c.setUint16(10, entry.method, true);
    c.setUint16(14, 0x21, true); c.setUint32(16, entry.crc, true); c.setUint32(20, entry.csize, true);
    c.setUint32(24, entry.usize, true); c.setUint16(28, entry.name.length, true); c.setUint32(42, offset, true);
    parts.push(lh, entry.name, entry.data);
    central.push(ch, entry.name);
    offset += 30 + entry.name.length + entry.data.length;
  }
  const centralSize = central.reduce((sum, b) => sum + b.length, 0);
  const [end, e] = header(22);
  e.setUint32(0, 0x06054b50, true); e.setUint16(8, keep.length, true); e.setUint16(10, keep.length, true);
  e.setUint32(12, centralSize, true); e.setUint32(16, offset, true);
  const all = [...parts, ...central, end];
  const out = new Uint8Array(all.reduce((sum, b) => sum + b.length, 0));
  let at = 0;
  for (const b of all) { out.set(b, at); at += b.length; }
  return out;
}
