// Draws a session's share poster as a PNG: title, host, start time in the poster's time zone, the first
// product of a public line-up, and a QR code of the session link carrying the sharer's codes. Skia
// (@napi-rs/canvas) draws the text; Chinese needs a CJK font installed (scripts/setup.sh installs Noto
// Sans CJK), which Skia finds through fontconfig, Traditional and Simplified faces by their own names.
import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import QRCode from 'qrcode';
import type { PosterLang } from '../../protocols/index.ts';

export const POSTER_WIDTH = 750;
export const POSTER_HEIGHT = 1200;
/** Where the title is drawn (up to TITLE_LINES lines): tests compare its pixels. */
export const TITLE_BOX = { x: 60, y: 150, width: 630, height: 230 } as const;
const TITLE_SIZE = 64;
const TITLE_LINES = 3;
const QR_SIDE = 360;
const QR_TOP = 740;

/** One family list per language: the regional CJK face first, so 骨 or 直 take the reader's shapes. */
export const FONT_FAMILIES: Record<PosterLang, string> = {
  'zh-Hant': '"Noto Sans CJK TC", "Noto Sans CJK SC", "DejaVu Sans", sans-serif',
  'zh-Hans': '"Noto Sans CJK SC", "Noto Sans CJK TC", "DejaVu Sans", sans-serif',
  en: '"DejaVu Sans", "Noto Sans CJK SC", sans-serif',
};

const TEXTS: Record<
  PosterLang,
  { host: string; starts: string; live: string; featuring: string; scan: string; colon: string }
> = {
  'zh-Hans': {
    host: '主播',
    starts: '开播时间',
    live: '正在直播',
    featuring: '精选',
    scan: '扫码观看直播',
    colon: '：',
  },
  'zh-Hant': {
    host: '主播',
    starts: '開播時間',
    live: '正在直播',
    featuring: '精選',
    scan: '掃碼觀看直播',
    colon: '：',
  },
  en: {
    host: 'Host',
    starts: 'Starts',
    live: 'Live now',
    featuring: 'Featuring',
    scan: 'Scan to watch',
    colon: ': ',
  },
};

export interface PosterContent {
  title: string;
  hostName: string;
  state: 'scheduled' | 'live' | 'ended';
  scheduledAtMs: number | null;
  /** A product of the public line-up, already in the poster's language; undefined when private. */
  productName?: string | undefined;
  /** The session link the QR code opens (with ref and ch). */
  link: string;
  lang: PosterLang;
  /** IANA zone the start time is written in; the zone's name is printed with it. */
  timeZone: string;
}

/** True when a CJK font is installed, so the poster can write Chinese (checked at start-up, logged). */
export function hasCjkFont(): boolean {
  return GlobalFonts.families.some((f) => /CJK|WenQuanYi|AR PL/i.test(f.family));
}

/** Splits `text` into lines that fit `width`; CJK has no spaces, so it breaks between any characters. */
function wrap(g: SKRSContext2D, text: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const ch of Array.from(text)) {
    const next = line + ch;
    if (line && g.measureText(next).width > width) {
      lines.push(line);
      line = ch.trimStart();
      if (lines.length === maxLines) break;
    } else line = next;
  }
  if (lines.length < maxLines && line) lines.push(line);
  else if (lines.length === maxLines && line) {
    // Cut: the last line ends with an ellipsis that fits.
    let last = lines[maxLines - 1]!;
    while (last && g.measureText(`${last}…`).width > width) last = Array.from(last).slice(0, -1).join('');
    lines[maxLines - 1] = `${last}…`;
  }
  return lines;
}

function startText(c: PosterContent): string {
  const t = TEXTS[c.lang];
  if (c.state === 'live') return t.live;
  if (c.scheduledAtMs === null) return '';
  const when = new Intl.DateTimeFormat(c.lang, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: c.timeZone,
    timeZoneName: 'short',
  }).format(c.scheduledAtMs);
  return `${t.starts} ${when}`;
}

function drawQr(g: SKRSContext2D, link: string, left: number, top: number, side: number): void {
  const qr = QRCode.create(link, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  // A quiet zone of 4 modules on every side, as the QR specification asks (ISO/IEC 18004, 7.3.7).
  const scale = Math.floor(side / (n + 8));
  const drawn = scale * (n + 8);
  const x0 = left + Math.floor((side - drawn) / 2);
  const y0 = top + Math.floor((side - drawn) / 2);
  g.fillStyle = '#ffffff';
  g.fillRect(x0, y0, drawn, drawn);
  g.fillStyle = '#000000';
  for (let row = 0; row < n; row++)
    for (let col = 0; col < n; col++)
      if (qr.modules.get(row, col)) g.fillRect(x0 + (col + 4) * scale, y0 + (row + 4) * scale, scale, scale);
}

/** The poster as PNG bytes. `fontFamilies` replaces the language's list (tests draw with other fonts). */
export async function renderPoster(c: PosterContent, fontFamilies = FONT_FAMILIES[c.lang]): Promise<Buffer> {
  const canvas = createCanvas(POSTER_WIDTH, POSTER_HEIGHT);
  const g = canvas.getContext('2d');
  const bg = g.createLinearGradient(0, 0, 0, POSTER_HEIGHT);
  bg.addColorStop(0, '#0f766e');
  bg.addColorStop(1, '#134e4a');
  g.fillStyle = bg;
  g.fillRect(0, 0, POSTER_WIDTH, POSTER_HEIGHT);
  const t = TEXTS[c.lang];
  const font = (px: number, weight = 'normal') => `${weight} ${px}px ${fontFamilies}`;

  g.fillStyle = '#ccfbf1';
  g.font = font(30, 'bold');
  g.fillText('Vitalive', 60, 90);

  g.fillStyle = '#ffffff';
  g.font = font(TITLE_SIZE, 'bold');
  const titleLines = wrap(g, c.title, TITLE_BOX.width, TITLE_LINES);
  titleLines.forEach((line, i) => {
    g.fillText(line, TITLE_BOX.x, TITLE_BOX.y + TITLE_SIZE + i * (TITLE_SIZE + 12));
  });

  g.font = font(34);
  g.fillStyle = '#e6fffa';
  g.fillText(wrap(g, `${t.host}${t.colon}${c.hostName}`, 630, 1)[0] ?? '', 60, 440);
  const start = startText(c);
  g.font = font(30);
  if (start) g.fillText(wrap(g, start, 630, 1)[0] ?? '', 60, 500);
  if (c.productName) {
    g.font = font(34, 'bold');
    g.fillStyle = '#fde68a';
    g.fillText(wrap(g, `${t.featuring}${t.colon}${c.productName}`, 630, 1)[0] ?? '', 60, 580);
  }

  drawQr(g, c.link, (POSTER_WIDTH - QR_SIDE) / 2, QR_TOP, QR_SIDE);
  g.font = font(30);
  g.fillStyle = '#ffffff';
  g.textAlign = 'center';
  g.fillText(t.scan, POSTER_WIDTH / 2, QR_TOP + QR_SIDE + 56);
  return canvas.encode('png');
}
