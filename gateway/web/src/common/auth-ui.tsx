// Sign-in UI: log in, create an account (keeping the share link's referral and channel codes, then
// entering the code sent to the e-mail or phone), reset
// the password with a staff-issued code, and replace a single-use password. AccountButton puts it in
// a dialog from the page header; AuthForms can also sit inline (the viewer's buy flow).
import { useEffect, useState } from 'preact/hooks';
import { auth, type Session } from './api.ts';
import { ApiError } from './errors.ts';
import { tc } from './messages.ts';
import { Dialog, ErrorNotice, Field } from './ui.tsx';

export type AuthMode = 'login' | 'register' | 'verify' | 'reset' | 'change';

export interface AuthFormsProps {
  initial?: AuthMode;
  /** Referral code from the share link (?ref=), recorded at registration. */
  referralCode?: string | undefined;
  /** Channel code from the share link (?ch=). */
  channelCode?: string | undefined;
  onDone?: (session: Session) => void;
}

/** `a@b.c` is an e-mail; anything else is taken as a phone number. */
function contactOf(value: string): { email?: string; phone?: string } {
  const v = value.trim();
  return v.includes('@') ? { email: v } : { phone: v };
}

export function AuthForms({ initial = 'login', referralCode, channelCode, onDone }: AuthFormsProps) {
  const [mode, setMode] = useState<AuthMode>(initial);
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [name, setName] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState('');

  const go = (next: AuthMode) => {
    setMode(next);
    setError(undefined);
    setNotice('');
  };

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      let s: Session | undefined;
      if (mode === 'login') {
        try {
          s = await auth.login(login, password);
        } catch (err) {
          // A single-use password from staff: keep it as the current one and ask for a new one.
          if (err instanceof ApiError && err.code === 'AUTH_PASSWORD_CHANGE_REQUIRED') {
            go('change');
            setNotice(tc('changePasswordHint'));
            return;
          }
          throw err;
        }
      } else if (mode === 'register') {
        if (!login.trim())
          throw new ApiError('VALIDATION_FAILED', 400, '', { reason: tc('emailOrPhoneNeeded') });
        await auth.register({
          displayName: name.trim(),
          ...contactOf(login),
          password,
          ...(referralCode ? { referralCode } : {}),
          ...(channelCode ? { channelCode } : {}),
        });
        // The account exists once the code sent to the contact comes back.
        setCode('');
        go('verify');
        setNotice(tc('contactCodeSent', { contact: login.trim() }));
        return;
      } else if (mode === 'verify') {
        s = await auth.verifyContact(login.trim(), code.trim());
        if (!s) {
          // An existing account's contact is now proven: log in as usual.
          go('login');
          return;
        }
      } else if (mode === 'change') {
        s = await auth.changePassword(login, password, newPassword);
      } else {
        await auth.reset(login, code.trim(), newPassword);
        setPassword('');
        go('login');
        setNotice(tc('resetDone'));
        return;
      }
      onDone?.(s);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function resend() {
    setError(undefined);
    try {
      await auth.requestContactCode(login.trim());
      setNotice(tc('contactCodeResent', { contact: login.trim() }));
    } catch (err) {
      setError(err);
    }
  }

  const title =
    mode === 'login'
      ? tc('login')
      : mode === 'register' || mode === 'verify'
        ? tc('register')
        : mode === 'reset'
          ? tc('reset')
          : tc('changePassword');
  return (
    <form class="auth-form" onSubmit={submit} aria-label={title} data-mode={mode}>
      <h3>{title}</h3>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {mode === 'reset' && <p class="hint">{tc('resetHint')}</p>}
      {mode === 'register' && (
        <Field
          label={tc('displayName')}
          name="displayName"
          value={name}
          onInput={setName}
          required
          autoComplete="nickname"
          maxLength={80}
        />
      )}
      <Field
        label={tc('loginField')}
        name="login"
        value={login}
        onInput={setLogin}
        required
        autoComplete="username"
        inputMode="email"
      />
      {mode === 'reset' && (
        <Field label={tc('resetCode')} name="code" value={code} onInput={setCode} required maxLength={32} />
      )}
      {mode === 'verify' && (
        <Field
          label={tc('contactCode')}
          name="contactCode"
          value={code}
          onInput={setCode}
          required
          maxLength={16}
          autoComplete="one-time-code"
          inputMode="numeric"
        />
      )}
      {mode !== 'reset' && mode !== 'verify' && (
        <Field
          label={tc('password')}
          name="password"
          type="password"
          value={password}
          onInput={setPassword}
          required
          minLength={mode === 'register' ? 8 : 1}
          autoComplete={mode === 'register' ? 'new-password' : 'current-password'}
        />
      )}
      {(mode === 'reset' || mode === 'change') && (
        <Field
          label={tc('newPassword')}
          name="newPassword"
          type="password"
          value={newPassword}
          onInput={setNewPassword}
          required
          minLength={8}
          autoComplete="new-password"
        />
      )}
      {mode === 'register' && referralCode && <p class="hint">{tc('referredBy', { code: referralCode })}</p>}
      {error !== undefined && <ErrorNotice error={error} />}
      <button type="submit" class="primary" disabled={busy}>
        {busy
          ? tc('working')
          : mode === 'register'
            ? tc('register')
            : mode === 'verify'
              ? tc('verify')
              : tc('submit')}
      </button>
      <nav class="auth-links">
        {mode === 'verify' && (
          <button type="button" class="link" onClick={() => void resend()}>
            {tc('contactCodeResend')}
          </button>
        )}
        {mode !== 'login' && (
          <button type="button" class="link" onClick={() => go('login')}>
            {tc('haveAccount')}
          </button>
        )}
        {mode !== 'register' && (
          <button type="button" class="link" onClick={() => go('register')}>
            {tc('noAccount')}
          </button>
        )}
        {mode !== 'reset' && (
          <button type="button" class="link" onClick={() => go('reset')}>
            {tc('forgot')}
          </button>
        )}
      </nav>
    </form>
  );
}

/** Re-renders on sign-in and sign-out; returns the current session. */
export function useSession(): Session | undefined {
  const [s, set] = useState(auth.session);
  useEffect(() => auth.onChange(set), []);
  return s;
}

/** Header control: "Log in" (opens the forms in a dialog) or the person's name and "Log out". */
export function AccountButton(
  props: Omit<AuthFormsProps, 'onDone'> & { open?: boolean; onOpenChange?: (v: boolean) => void },
) {
  const session = useSession();
  const [ownOpen, setOwnOpen] = useState(false);
  const open = props.open ?? ownOpen;
  const setOpen = props.onOpenChange ?? setOwnOpen;
  if (session) {
    return (
      <div class="account">
        <span class="who">{tc('signedInAs', { name: session.person.displayName })}</span>
        <button type="button" class="link" onClick={() => void auth.logout()}>
          {tc('logout')}
        </button>
      </div>
    );
  }
  return (
    <div class="account">
      <button type="button" class="secondary" onClick={() => setOpen(true)}>
        {tc('login')}
      </button>
      <Dialog open={open} title={tc('account')} onClose={() => setOpen(false)}>
        <AuthForms {...props} onDone={() => setOpen(false)} />
      </Dialog>
    </div>
  );
}
