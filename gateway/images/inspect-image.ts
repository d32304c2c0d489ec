// Product photos are judged by their bytes, never by their name or declared type: only a JPEG, PNG or
// WebP whose container ends where the image ends (nothing appended: no script or archive riding along),
// whose header declares a size within the pixel budget (checked before any decoding, so a small file that
// would decode to gigabytes is refused), and that decodes without error. What is kept is re-encoded:
// WebP at a few widths, oriented, with every metadata block (EXIF GPS, XMP, comments) dropped.
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { IMAGE_WIDTHS, type ImageWidth, VitaliveError } from '../../protocols/index.ts';

export type ImageFormat = 'jpeg' | 'png' | 'webp';

export const IMAGE_CONTENT_TYPES: Readonly<Record<string, ImageFormat>> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
};

export interface ImageLimits {
  maxBytes: number;
  maxPixels: number;
}

/** Smallest side accepted: anything smaller is no product photo (and often a tracking pixel). */
const MIN_SIDE = 16;
/** Longest side accepted, whatever the pixel budget (libvips' own ceiling is far above). */
const MAX_SIDE = 16_384;
/** Markup that has no business inside a photo: a file carrying it is a polyglot. */
const MARKUP = /<(?:script|svg|html|body|iframe|object|embed|\?php|\?xml|!doctype)[\s>/]/i;

export interface ProcessedImage {
  /** Hex SHA-256 of the uploaded bytes: the files' name. */
  hash: string;
  /** Size of the largest stored width. */
  width: number;
  height: number;
  files: Map<ImageWidth, Buffer>;
}

/** The format the bytes announce by their signature, or undefined. */
export function sniffFormat(buf: Buffer): ImageFormat | undefined {
  if (buf.length >= 8 && buf.readUInt32BE(0) === 0x89504e47 && buf.readUInt32BE(4) === 0x0d0a1a0a)
    return 'png';
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpeg';
  if (buf.length >= 12 && buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP')
    return 'webp';
  return undefined;
}

/** Where the image's container ends, or undefined when it is cut short or malformed. */
function containerEnd(buf: Buffer, format: ImageFormat): number | undefined {
  if (format === 'webp') return buf.readUInt32LE(4) + 8;
  if (format === 'jpeg') {
    // The last end-of-image marker: whatever follows it was appended.
    const eoi = buf.lastIndexOf(Buffer.from([0xff, 0xd9]));
    return eoi < 0 ? undefined : eoi + 2;
  }
  // PNG: walk the chunks to IEND (RFC 2083 §3.2: length, type, data, CRC).
  let at = 8;
  while (at + 12 <= buf.length) {
    const length = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    at += 12 + length;
    if (type === 'IEND') return at;
  }
  return undefined;
}

/** Refuses anything but a clean JPEG, PNG or WebP of the declared type within the limits. */
export async function checkImage(
  buf: Buffer,
  declared: ImageFormat,
  limits: ImageLimits,
): Promise<{ format: ImageFormat; width: number; height: number }> {
  if (buf.length > limits.maxBytes)
    throw new VitaliveError('IMAGE_TOO_LARGE', { reason: `more than ${limits.maxBytes} bytes` });
  const format = sniffFormat(buf);
  if (!format) throw new VitaliveError('IMAGE_INVALID', { reason: 'not a JPEG, PNG or WebP image' });
  if (format !== declared)
    throw new VitaliveError('IMAGE_INVALID', { reason: `the content is ${format}, not ${declared}` });
  const end = containerEnd(buf, format);
  if (end === undefined || end > buf.length)
    throw new VitaliveError('IMAGE_INVALID', { reason: 'the image is truncated' });
  if (end < buf.length)
    throw new VitaliveError('IMAGE_INVALID', { reason: 'data follows the end of the image' });
  if (MARKUP.test(buf.toString('latin1')))
    throw new VitaliveError('IMAGE_INVALID', { reason: 'the file carries markup' });
  let meta: { format?: string; width?: number; height?: number };
  try {
    // Reads the header only: nothing is decoded yet.
    meta = await sharp(buf, { limitInputPixels: false }).metadata();
  } catch {
    throw new VitaliveError('IMAGE_INVALID', { reason: 'the image cannot be read' });
  }
  if (meta.format !== format)
    throw new VitaliveError('IMAGE_INVALID', { reason: `the decoder reads ${meta.format ?? 'nothing'}` });
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width < MIN_SIDE || height < MIN_SIDE)
    throw new VitaliveError('IMAGE_INVALID', { reason: `smaller than ${MIN_SIDE} × ${MIN_SIDE} pixels` });
  if (width > MAX_SIDE || height > MAX_SIDE || width * height > limits.maxPixels)
    throw new VitaliveError('IMAGE_TOO_LARGE', {
      reason: `${width} × ${height} pixels (at most ${limits.maxPixels} pixels, ${MAX_SIDE} a side)`,
    });
  return { format, width, height };
}

/** Checks, then re-encodes the photo as WebP at every stored width (never enlarged). */
export async function processImage(
  buf: Buffer,
  declared: ImageFormat,
  limits: ImageLimits,
): Promise<ProcessedImage> {
  await checkImage(buf, declared, limits);
  const hash = createHash('sha256').update(buf).digest('hex');
  const files = new Map<ImageWidth, Buffer>();
  let width = 0;
  let height = 0;
  try {
    // failOn 'error': a stream the decoder cannot finish is refused rather than half-decoded, while the
    // harmless warnings many phone cameras' JPEGs raise are tolerated. rotate() applies the EXIF
    // orientation before the metadata is dropped (sharp writes none unless asked to).
    const base = sharp(buf, { limitInputPixels: limits.maxPixels, failOn: 'error' }).rotate();
    for (const w of IMAGE_WIDTHS) {
      const { data, info } = await base
        .clone()
        .resize({ width: w, withoutEnlargement: true })
        .webp({ quality: 80 })
        .toBuffer({ resolveWithObject: true });
      files.set(w, data);
      width = info.width;
      height = info.height;
    }
  } catch {
    throw new VitaliveError('IMAGE_INVALID', { reason: 'the image does not decode' });
  }
  return { hash, width, height, files };
}
