// Test-only: reads a (small, stored) zip from its central directory and checks every CRC, so
// tests can assert what a streamed zip holds without an unzip tool.
import { crc32 } from "node:zlib";

export type ZipRead = { name: string; data: Buffer; isFolder: boolean };

export function readZip(zip: Buffer): ZipRead[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error("no end of central directory");
  let count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  if (offset === 0xffffffff || count === 0xffff) {
    const locator = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x06, 0x07]));
    const eocd64 = Number(zip.readBigUInt64LE(locator + 8));
    count = Number(zip.readBigUInt64LE(eocd64 + 32));
    offset = Number(zip.readBigUInt64LE(eocd64 + 48));
  }
  const out: ZipRead[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error(`bad central entry ${i}`);
    const method = zip.readUInt16LE(offset + 10);
    const crc = zip.readUInt32LE(offset + 16);
    let compressed = zip.readUInt32LE(offset + 20);
    let size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    let local = zip.readUInt32LE(offset + 42);
    const name = zip.toString("utf8", offset + 46, offset + 46 + nameLength);
    // Zip64 extra field: the 64-bit values replace those stored as 0xffffffff, in order.
    let extra = offset + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra < extraEnd) {
      const tag = zip.readUInt16LE(extra);
      const length = zip.readUInt16LE(extra + 2);
      if (tag === 0x0001) {
        let p = extra + 4;
        if (size === 0xffffffff) {
          size = Number(zip.readBigUInt64LE(p));
          p += 8;
        }
        if (compressed === 0xffffffff) {
          compressed = Number(zip.readBigUInt64LE(p));
          p += 8;
        }
        if (local === 0xffffffff) local = Number(zip.readBigUInt64LE(p));
      }
      extra += 4 + length;
    }
    if (method !== 0 || compressed !== size)
      throw new Error(`${name}: compressed entries are not expected`);
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`${name}: bad local header`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    if (crc32(data) !== crc) throw new Error(`${name}: CRC mismatch`);
    out.push({ name, data, isFolder: name.endsWith("/") });
    offset = extraEnd + commentLength;
  }
  return out;
}
