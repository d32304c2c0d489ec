// Reading a member code from a QR code with the device camera: getUserMedia into a <video>, frames drawn
// onto a canvas a few times a second and decoded with jsQR (the BarcodeDetector API is missing from
// Chromium on Linux). The camera is released when the scanner goes away.
import jsQRModule from 'jsqr';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Loading } from '../common/ui.tsx';
import { ts } from './messages.ts';

/** Decoding every 150 ms is quick at a desk and leaves the CPU of a venue laptop mostly idle. */
const SCAN_PERIOD_MS = 150;
/** The same code again within this time is the same person still in front of the camera. */
const REPEAT_AFTER_MS = 5_000;
/** Frames are scaled down to this width first: member-code QR codes are large and simple. */
const MAX_WIDTH = 640;

// jsqr is CommonJS with an ES-style default export: the bundler hands over the function itself, while
// TypeScript's Node resolution types the import as the module object. Either way, this is the decoder.
type Decode = typeof jsQRModule.default;
const jsQR: Decode =
  (jsQRModule as unknown as { default?: Decode }).default ?? (jsQRModule as unknown as Decode);

type CameraState = 'starting' | 'scanning' | 'denied' | 'missing' | 'failed';

function cameraError(err: unknown): CameraState {
  const name = err instanceof DOMException ? err.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'missing';
  return 'failed';
}

export function QrScanner({ onCode, paused }: { onCode: (code: string) => void; paused: boolean }) {
  const video = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<CameraState>('starting');
  const callback = useRef(onCode);
  callback.current = onCode;
  const pausedRef = useRef(paused);
  pausedRef.current = paused;

  useEffect(() => {
    let stream: MediaStream | undefined;
    let timer: ReturnType<typeof setInterval> | undefined;
    let stopped = false;
    let last = { code: '', atMs: 0 };
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    const scan = () => {
      const v = video.current;
      if (!v || !ctx || pausedRef.current || v.readyState < v.HAVE_CURRENT_DATA || !v.videoWidth) return;
      const scale = Math.min(1, MAX_WIDTH / v.videoWidth);
      canvas.width = Math.round(v.videoWidth * scale);
      canvas.height = Math.round(v.videoHeight * scale);
      ctx.drawImage(v, 0, 0, canvas.width, canvas.height);
      const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const found = jsQR(image.data, image.width, image.height, { inversionAttempts: 'dontInvert' });
      const code = found?.data.trim().toUpperCase();
      if (!code || code.length > 32) return;
      const now = Date.now();
      if (code === last.code && now - last.atMs < REPEAT_AFTER_MS) return;
      last = { code, atMs: now };
      callback.current(code);
    };
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      .then(async (s) => {
        stream = s;
        if (stopped) {
          for (const t of s.getTracks()) t.stop();
          return;
        }
        const v = video.current!;
        v.srcObject = s;
        await v.play();
        setState('scanning');
        timer = setInterval(scan, SCAN_PERIOD_MS);
      })
      .catch((err: unknown) => {
        if (!stopped) setState(cameraError(err));
      });
    return () => {
      stopped = true;
      clearInterval(timer);
      for (const t of stream?.getTracks() ?? []) t.stop();
    };
  }, []);

  return (
    <div class="qr-scanner" data-state={state}>
      <video ref={video} muted playsInline aria-label={ts('cameraView')} />
      {state === 'starting' && <Loading label={ts('cameraStarting')} />}
      {state === 'scanning' && (
        <p class="hint" role="status">
          {ts('cameraScanning')}
        </p>
      )}
      {(state === 'denied' || state === 'missing' || state === 'failed') && (
        <p class="error" role="alert" data-camera={state}>
          {ts(state === 'denied' ? 'cameraDenied' : state === 'missing' ? 'cameraMissing' : 'cameraFailed')}
        </p>
      )}
    </div>
  );
}
