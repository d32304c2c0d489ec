// A Y4M video of a QR code, for Chromium's fake camera (--use-file-for-fake-video-capture): the code's
// modules drawn black on white into the luma plane of 4:2:0 frames, chroma neutral. Chromium loops it.
import fs from 'node:fs';
import QRCode from 'qrcode';

export interface QrVideoOptions {
  width?: number;
  height?: number;
  frames?: number;
  /** Pixels per module. */
  scale?: number;
}

/** Writes the video to `file` and returns the path. */
export function writeQrVideo(file: string, text: string, opts: QrVideoOptions = {}): string {
  const width = opts.width ?? 640;
  const height = opts.height ?? 480;
  const frames = opts.frames ?? 10;
  const scale = opts.scale ?? 10;
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const side = size * scale;
  if (side + 8 * scale > Math.min(width, height)) throw new RangeError('QR code does not fit the frame');
  const left = Math.floor((width - side) / 2);
  const top = Math.floor((height - side) / 2);
  // Studio-range luma (16 black, 235 white), as the C420jpeg header's consumers expect either way.
  const luma = Buffer.alloc(width * height, 235);
  for (let row = 0; row < size; row++)
    for (let col = 0; col < size; col++) {
      if (!qr.modules.get(row, col)) continue;
      for (let y = 0; y < scale; y++) {
        const start = (top + row * scale + y) * width + left + col * scale;
        luma.fill(16, start, start + scale);
      }
    }
  const chroma = Buffer.alloc((width / 2) * (height / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  fs.writeFileSync(file, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
  return file;
}
