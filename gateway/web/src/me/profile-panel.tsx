// The member page's profile form: the language and time zone messages are written in, the preferred
// channel (e-mail, SMS, WeChat) and marketing consent, saved with PATCH /api/me/profile.
import { useState } from 'preact/hooks';
import { api, auth, type Person } from '../common/api.ts';
import { getLang, LANG_NAMES, LANGS, type Lang } from '../common/i18n.ts';
import { ErrorNotice } from '../common/ui.tsx';
import { tp } from './profile-messages.ts';

const CHANNELS = ['email', 'sms', 'wechat'] as const;
type Channel = (typeof CHANNELS)[number];

export interface ProfileForm {
  language: Lang;
  timeZone: string;
  preferredChannel: Channel;
  marketingConsent: boolean;
}

/** Fields the person record may already carry; until it does, the page's language and the browser's zone. */
type WithProfile = Person & Partial<Pick<ProfileForm, 'language' | 'timeZone' | 'preferredChannel'>>;

function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

function zones(current: string): string[] {
  const all = (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  return all.includes(current) ? all : [current, ...all];
}

export function initialProfile(person: WithProfile): ProfileForm {
  return {
    language: person.language ?? getLang(),
    timeZone: person.timeZone ?? browserTimeZone(),
    preferredChannel: person.preferredChannel ?? (person.email ? 'email' : 'sms'),
    marketingConsent: person.consents.marketing,
  };
}

export function ProfilePanel({ person }: { person: Person }) {
  const [form, setForm] = useState(() => initialProfile(person));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const set = <K extends keyof ProfileForm>(key: K, value: ProfileForm[K]) => {
    setForm({ ...form, [key]: value });
    setSaved(false);
  };
  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const updated = await api.patch<Person | undefined>('/api/me/profile', form);
      if (updated && typeof updated === 'object' && 'id' in updated) auth.updatePerson(updated);
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="panel" aria-labelledby="profile-title">
      <h2 id="profile-title">{tp('profile')}</h2>
      <form class="profile-form" onSubmit={(e) => void save(e)}>
        <label class="field">
          <span>{tp('language')}</span>
          <select
            name="language"
            value={form.language}
            onChange={(e) => set('language', (e.currentTarget as HTMLSelectElement).value as Lang)}
          >
            {LANGS.map((l) => (
              <option key={l} value={l} lang={l}>
                {LANG_NAMES[l]}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>{tp('timeZone')}</span>
          <select
            name="timeZone"
            value={form.timeZone}
            onChange={(e) => set('timeZone', (e.currentTarget as HTMLSelectElement).value)}
          >
            {zones(form.timeZone).map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        </label>
        <fieldset class="field">
          <legend>{tp('preferredChannel')}</legend>
          {CHANNELS.map((c) => (
            <label key={c} class="check">
              <input
                type="radio"
                name="preferredChannel"
                value={c}
                checked={form.preferredChannel === c}
                onChange={() => set('preferredChannel', c)}
              />
              {tp(c)}
            </label>
          ))}
        </fieldset>
        <label class="check">
          <input
            type="checkbox"
            name="marketingConsent"
            checked={form.marketingConsent}
            onChange={(e) => set('marketingConsent', (e.currentTarget as HTMLInputElement).checked)}
          />
          {tp('marketingConsent')}
        </label>
        <button type="submit" disabled={busy}>
          {tp('save')}
        </button>
        {saved && (
          <p class="hint" role="status">
            {tp('saved')}
          </p>
        )}
        {error !== undefined && <ErrorNotice error={error} />}
      </form>
    </section>
  );
}
