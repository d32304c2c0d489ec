// A QR code of a short text (member code, referral link) as an image with a text alternative.

import { useEffect, useState } from 'preact/hooks';
import QRCode from 'qrcode';

export function QrCode({ text, label, size = 176 }: { text: string; label: string; size?: number }) {
  const [src, setSrc] = useState<string>();
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(text, { width: size, margin: 1, errorCorrectionLevel: 'M' }).then(
      (url) => live && setSrc(url),
      () => live && setSrc(undefined),
    );
    return () => {
      live = false;
    };
  }, [text, size]);
  return (
    <div class="qr" style={{ width: `${size}px`, height: `${size}px` }}>
      {src && <img src={src} width={size} height={size} alt={label} />}
    </div>
  );
}
