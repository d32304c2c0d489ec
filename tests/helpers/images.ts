// Images for photo tests, made with sharp: a real JPEG carrying EXIF (GPS included), a PNG, and hostile
// variants (a script appended, an SVG, a PNG whose header claims a huge size, a truncated file).
import { crc32 } from 'node:zlib';
import sharp from 'sharp';

export function jpegWithGps(width = 640, height = 480): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#3a7' } })
    .jpeg()
    .withExif({
      IFD0: { Copyright: 'test' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '51/1 30/1 0/1',
        GPSLongitudeRef: 'W',
        GPSLongitude: '0/1 7/1 0/1',
      },
    })
    .toBuffer();
}

export function png(width = 200, height = 200, colour = '#d44'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .png()
    .toBuffer();
}

/** A valid PNG with a script appended after IEND (a PNG/HTML polyglot). */
export async function pngWithScript(): Promise<Buffer> {
  return Buffer.concat([await png(64, 64), Buffer.from('<script>alert(document.cookie)</script>')]);
}

/** A small PNG whose IHDR (with a correct CRC) claims width × height: decoding it would need gigabytes. */
export async function pngBomb(width = 16_000, height = 16_000): Promise<Buffer> {
  const buf = Buffer.from(await png(32, 32));
  // Signature (8) + IHDR length (4) + "IHDR" (4): width and height follow; the CRC covers type + data.
  buf.writeUInt32BE(width, 16);
  buf.writeUInt32BE(height, 20);
  buf.writeUInt32BE(crc32(buf.subarray(12, 29)), 29);
  return buf;
}

export const SVG = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><script>alert(1)</script>' +
    '<rect width="100" height="100" fill="red"/></svg>',
);
