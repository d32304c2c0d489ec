// A ZIP archive writer (PKWARE APPNOTE 6.3.x, no ZIP64): enough to package an OOXML workbook. Entries are
// deflated with node:zlib and checked with its CRC-32; nothing here reads archives.
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntry {
  /** Path inside the archive, '/'-separated (UTF-8). */
  name: string;
  data: Buffer | string;
}

/** Compression method 8 (deflate) [APPNOTE 4.4.5]; 20 = version 2.0, the first to know it [4.4.3.2]. */
const DEFLATE = 8;
const VERSION = 20;
/** General purpose bit 11: names are UTF-8 [APPNOTE 4.4.4]. */
const UTF8_NAMES = 0x0800;
/** DOS date of 1980-01-01 (the earliest a ZIP can say): a fixed time keeps identical exports identical. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DOS_TIME = 0;
/** Without ZIP64, sizes and offsets are 32-bit and the entry count 16-bit. */
const MAX_32 = 0xffff_ffff;
const MAX_ENTRIES = 0xffff;

export function zip(entries: readonly ZipEntry[]): Buffer {
  if (entries.length > MAX_ENTRIES) throw new RangeError(`zip: at most ${MAX_ENTRIES} entries`);
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const raw = typeof e.data === 'string' ? Buffer.from(e.data, 'utf8') : e.data;
    const packed = deflateRawSync(raw);
    const crc = crc32(raw);
    if (raw.length > MAX_32 || offset > MAX_32) throw new RangeError('zip: archive too large without ZIP64');
    // Local file header [APPNOTE 4.3.7].
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(VERSION, 4);
    local.writeUInt16LE(UTF8_NAMES, 6);
    local.writeUInt16LE(DEFLATE, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    // Central directory header [APPNOTE 4.3.12].
    const head = Buffer.alloc(46);
    head.writeUInt32LE(0x02014b50, 0);
    head.writeUInt16LE(VERSION, 4);
    head.writeUInt16LE(VERSION, 6);
    head.writeUInt16LE(UTF8_NAMES, 8);
    head.writeUInt16LE(DEFLATE, 10);
    head.writeUInt16LE(DOS_TIME, 12);
    head.writeUInt16LE(DOS_DATE, 14);
    head.writeUInt32LE(crc, 16);
    head.writeUInt32LE(packed.length, 20);
    head.writeUInt32LE(raw.length, 24);
    head.writeUInt16LE(name.length, 28);
    // extra length, comment length, disk number, internal and external attributes: 0
    head.writeUInt32LE(offset, 42);
    parts.push(local, name, packed);
    central.push(head, name);
    offset += local.length + name.length + packed.length;
  }
  const directory = Buffer.concat(central);
  if (offset > MAX_32 || directory.length > MAX_32)
    throw new RangeError('zip: archive too large without ZIP64');
  // End of central directory record [APPNOTE 4.3.16].
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}
