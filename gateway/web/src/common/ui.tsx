// Small building blocks every page uses: loading and error states, async data with retry, the
// language switch and a modal dialog (native <dialog>: focus stays inside, Esc closes).
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { errorCode, errorText } from './errors.ts';
import { getLang, LANG_NAMES, LANGS, type Lang, setLang } from './i18n.ts';
import { tc } from './messages.ts';

export function Loading({ label }: { label?: string }) {
  return (
    <p class="loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {label ?? tc('loading')}
    </p>
  );
}

/** A failed call, in the person's language, with a retry when one makes sense. Never blank. */
export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: (() => void) | undefined }) {
  return (
    <div class="error" role="alert" data-code={errorCode(error)}>
      <span>{errorText(error)}</span>
      {onRetry && (
        <button type="button" class="link" onClick={onRetry}>
          {tc('retry')}
        </button>
      )}
    </div>
  );
}

export type AsyncState<T> =
  | { status: 'loading'; data: T | undefined; error: undefined }
  | { status: 'ok'; data: T; error: undefined }
  | { status: 'error'; data: T | undefined; error: unknown };

/** Runs `load` when `deps` change; `reload()` runs it again. Keeps the last data while reloading. */
export function useAsync<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: unknown[],
): AsyncState<T> & { reload: () => void } {
  const [state, setState] = useState<AsyncState<T>>({ status: 'loading', data: undefined, error: undefined });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const ctrl = new AbortController();
    setState((s) => ({ status: 'loading', data: s.data, error: undefined }));
    load(ctrl.signal).then(
      (data) => {
        if (!ctrl.signal.aborted) setState({ status: 'ok', data, error: undefined });
      },
      (error: unknown) => {
        if (!ctrl.signal.aborted) setState((s) => ({ status: 'error', data: s.data, error }));
      },
    );
    return () => ctrl.abort();
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}

/** Renders loading / error (with retry) / the content of an async state. */
export function AsyncView<T>({
  state,
  children,
}: {
  state: AsyncState<T> & { reload: () => void };
  children: (data: T) => ComponentChildren;
}) {
  if (state.status === 'error') return <ErrorNotice error={state.error} onRetry={state.reload} />;
  if (state.data === undefined) return <Loading />;
  return <>{children(state.data)}</>;
}

export function LangSwitch() {
  return (
    <label class="lang-switch">
      <span class="sr-only">{tc('language')}</span>
      <select
        aria-label={tc('language')}
        value={getLang()}
        onChange={(e) => setLang((e.currentTarget as HTMLSelectElement).value as Lang)}
      >
        {LANGS.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANG_NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A modal dialog; `open` drives showModal()/close(), and closing by Esc reports through onClose. */
export function Dialog({
  open,
  title,
  onClose,
  children,
  class: className,
}: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  class?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      class={`dialog ${className ?? ''}`}
      aria-label={title}
      onClose={() => {
        if (open) onClose();
      }}
    >
      <header class="dialog-head">
        <h2>{title}</h2>
        <button type="button" class="icon" aria-label={tc('close')} onClick={onClose}>
          ×
        </button>
      </header>
      {open && children}
    </dialog>
  );
}

/** A labelled input; the label is always visible (placeholder text is not a label). */
export function Field({
  label,
  name,
  type = 'text',
  value,
  onInput,
  required,
  autoComplete,
  inputMode,
  minLength,
  maxLength,
}: {
  label: string;
  name: string;
  type?: 'text' | 'password' | 'email' | 'tel' | 'number';
  value: string;
  onInput: (v: string) => void;
  required?: boolean;
  autoComplete?: string;
  inputMode?: 'text' | 'email' | 'tel' | 'numeric';
  minLength?: number;
  maxLength?: number;
}) {
  return (
    <label class="field">
      <span>{label}</span>
      <input
        name={name}
        type={type as 'text'}
        value={value}
        required={required}
        autoComplete={autoComplete}
        inputMode={inputMode}
        minLength={minLength}
        maxLength={maxLength}
        onInput={(e) => onInput((e.currentTarget as HTMLInputElement).value)}
      />
    </label>
  );
}

/** A function that re-renders the calling component (for state kept outside Preact). */
export function useRerender(): () => void {
  const [, set] = useState(0);
  return useCallback(() => set((n) => n + 1), []);
}
