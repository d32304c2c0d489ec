// Reading exports back for tests: an RFC 4180 CSV parser, and an XLSX's first sheet read with the
// system's `unzip` (an archive reader independent of ours, which also checks every entry's CRC-32).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Rows of fields; quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

const xmlDecode = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

function columnIndex(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

export interface Sheet {
  /** Every entry of the archive, as `unzip -Z1` lists it. */
  entries: string[];
  /** Cell values by row, as text (numbers as written); missing cells are ''. */
  rows: string[][];
  /** Cell types by row: 'n' (number), 'inlineStr', 'b', or '' for a missing cell. */
  types: string[][];
  xml: string;
}

/** The first worksheet of an .xlsx, read back through `unzip`. Throws when the archive fails its test. */
export function readXlsx(bytes: Buffer): Sheet {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitalive-xlsx-'));
  const file = path.join(dir, 'book.xlsx');
  try {
    fs.writeFileSync(file, bytes);
    execFileSync('unzip', ['-tq', file]);
    const entries = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).trim().split('\n');
    const xml = execFileSync('unzip', ['-p', file, 'xl/worksheets/sheet1.xml'], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    const rows: string[][] = [];
    const types: string[][] = [];
    for (const [, body] of xml.matchAll(/<row r="\d+">(.*?)<\/row>/gs)) {
      const values: string[] = [];
      const kinds: string[] = [];
      for (const [, ref, attrs, inner] of body!.matchAll(/<c r="([A-Z]+)\d+"([^>]*)>(.*?)<\/c>/gs)) {
        const at = columnIndex(ref!);
        while (values.length < at) {
          values.push('');
          kinds.push('');
        }
        const t = /t="([^"]+)"/.exec(attrs!)?.[1] ?? 'n';
        const text =
          t === 'inlineStr' ? /<t[^>]*>(.*?)<\/t>/s.exec(inner!)?.[1] : /<v>(.*?)<\/v>/s.exec(inner!)?.[1];
        values.push(xmlDecode(text ?? ''));
        kinds.push(t);
      }
      rows.push(values);
      types.push(kinds);
    }
    return { entries, rows, types, xml };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
