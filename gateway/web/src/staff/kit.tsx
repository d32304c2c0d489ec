// Pieces the staff pages share: a pager for tables, a button that asks before a destructive action,
// and an action runner that keeps busy / error / done states for a form or a button.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { Dialog, ErrorNotice } from '../common/ui.tsx';
import { ts } from './messages.ts';

export const PAGE_SIZE = 20;

/** Previous / next over a list read `PAGE_SIZE` at a time; `more` when the last page was full. */
export function Pager({
  offset,
  count,
  total,
  onChange,
}: {
  offset: number;
  count: number;
  total?: number | undefined;
  onChange: (offset: number) => void;
}) {
  const more = total === undefined ? count >= PAGE_SIZE : offset + count < total;
  return (
    <nav class="pager" aria-label={ts('page', { n: offset / PAGE_SIZE + 1 })}>
      <button type="button" disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - PAGE_SIZE))}>
        {ts('prev')}
      </button>
      <span>{ts('page', { n: offset / PAGE_SIZE + 1 })}</span>
      <button type="button" disabled={!more} onClick={() => onChange(offset + PAGE_SIZE)}>
        {ts('next')}
      </button>
    </nav>
  );
}

export interface Action {
  busy: boolean;
  error: unknown;
  notice: string;
  run(fn: () => Promise<unknown>): Promise<void>;
  view(): ComponentChildren;
}

/** Runs one async action at a time; its outcome (an error in the user's language, or a notice) shows in view(). */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState('');
  return {
    busy,
    error,
    notice,
    async run(fn) {
      setBusy(true);
      setError(undefined);
      setNotice('');
      try {
        const out = await fn();
        setNotice(typeof out === 'string' ? out : '');
      } catch (err) {
        setError(err);
      } finally {
        setBusy(false);
      }
    },
    view: () => (
      <>
        {error !== undefined && <ErrorNotice error={error} />}
        {notice && (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
      </>
    ),
  };
}

/**
 * A form whose submit runs one action (see useAction): the page does not reload, `busy` is true while
 * `run` goes, and `outcome` (its notice or coded error) is placed by the form's own layout.
 */
export function ActionForm({
  label,
  class: cls,
  run,
  children,
}: {
  label: string;
  class?: string;
  run: () => Promise<unknown>;
  children: (busy: boolean, outcome: ComponentChildren) => ComponentChildren;
}) {
  const action = useAction();
  return (
    <form
      class={cls}
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(run);
      }}
    >
      {children(action.busy, action.view())}
    </form>
  );
}

/** An ActionForm's submit button, disabled while the form's action runs. */
export function SubmitButton({ busy, children }: { busy: boolean; children: ComponentChildren }) {
  return (
    <button type="submit" class="primary" disabled={busy}>
      {children}
    </button>
  );
}

/** A list row's header cell: its name, as a button that opens the row. */
export function RowChooser({ name, onChoose }: { name: ComponentChildren; onChoose: () => void }) {
  return (
    <th scope="row">
      <button type="button" class="link" onClick={onChoose}>
        {name}
      </button>
    </th>
  );
}

/** A button that opens a confirmation dialog; `onConfirm` runs only after "Yes". */
export function ConfirmButton({
  label,
  text,
  onConfirm,
  disabled,
  danger,
}: {
  label: string;
  text: string;
  onConfirm: () => void;
  disabled?: boolean;
  danger?: boolean;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" class={danger ? 'danger' : ''} disabled={disabled} onClick={() => setOpen(true)}>
        {label}
      </button>
      <Dialog open={open} title={ts('confirmTitle')} onClose={() => setOpen(false)} class="confirm-dialog">
        <p>{text}</p>
        <div class="row">
          <button
            type="button"
            class="primary"
            onClick={() => {
              setOpen(false);
              onConfirm();
            }}
          >
            {ts('yes')}
          </button>
          <button type="button" onClick={() => setOpen(false)}>
            {ts('cancel')}
          </button>
        </div>
      </Dialog>
    </>
  );
}

/** A plain labelled text input bound to a state value. */
export function Input({
  label,
  value,
  onInput,
  type = 'text',
  inputMode,
  required,
}: {
  label: string;
  value: string;
  onInput: (v: string) => void;
  type?: 'text' | 'date' | 'datetime-local' | 'number';
  /** The phone keyboard to offer, e.g. `decimal` for amounts typed as text. */
  inputMode?: 'decimal' | 'numeric';
  required?: boolean;
}) {
  return (
    <label class="field inline">
      <span>{label}</span>
      <input
        type={type as 'text'}
        inputMode={inputMode}
        value={value}
        required={required}
        onInput={(e) => onInput((e.currentTarget as HTMLInputElement).value)}
      />
    </label>
  );
}

/** A comma-separated field as its trimmed, non-empty entries ("a, b,, c" → ["a", "b", "c"]). */
export function commaList(value: string): string[] {
  return value
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}

/** `a@b.c` is an e-mail; anything else a phone number. */
export function contactOf(value: string): { email?: string; phone?: string } {
  const v = value.trim();
  if (!v) return {};
  return v.includes('@') ? { email: v } : { phone: v };
}
