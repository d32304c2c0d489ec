// The member page's profile form: the language and time zone messages are written in, the preferred
// channel (e-mail, SMS, WeChat) and marketing consent, saved with PATCH /api/me/profile.
import { useState } from 'preact/hooks';
import type { MessagingProfileReply, ProfilePatchBody } from '../../../../protocols/index.ts';
import { api } from '../common/api.ts';
import { getLang, LANG_NAMES, LANGS, type Lang } from '../common/i18n.ts';
import { AsyncView, ErrorNotice, useAsync } from '../common/ui.tsx';
import { tp } from './profile-messages.ts';

const CHANNELS = ['email', 'sms', 'wechat'] as const;
type Channel = (typeof CHANNELS)[number];

export interface ProfileForm {
  locale: Lang;
  timeZone: string;
  preferredChannel: Channel;
  consentMarketing: boolean;
}

function zones(current: string): string[] {
  const all = (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  return all.includes(current) ? all : [current, ...all];
}

/** What the server holds; a person who never chose a language or channel starts from the page's. */
export function initialProfile(profile: MessagingProfileReply, hasEmail: boolean): ProfileForm {
  return {
    locale: profile.locale ?? getLang(),
    timeZone: profile.timeZone,
    preferredChannel: profile.preferredChannel ?? (hasEmail ? 'email' : 'sms'),
    consentMarketing: profile.consentMarketing,
  };
}

export function ProfilePanel({ hasEmail }: { hasEmail: boolean }) {
  const profile = useAsync((signal) => api.get<MessagingProfileReply>('/api/me/profile', { signal }), []);
  return (
    <section class="panel" aria-labelledby="profile-title">
      <h2 id="profile-title">{tp('profile')}</h2>
      <AsyncView state={profile}>
        {(p) => <ProfileEditor key={p.personId} initial={initialProfile(p, hasEmail)} />}
      </AsyncView>
    </section>
  );
}

function ProfileEditor({ initial }: { initial: ProfileForm }) {
  const [form, setForm] = useState(initial);
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
      const body: ProfilePatchBody = form;
      const updated = await api.patch<MessagingProfileReply>('/api/me/profile', body);
      setForm(initialProfile(updated, form.preferredChannel === 'email'));
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="profile-form" onSubmit={(e) => void save(e)}>
      <label class="field">
        <span>{tp('language')}</span>
        <select
          name="language"
          value={form.locale}
          onChange={(e) => set('locale', (e.currentTarget as HTMLSelectElement).value as Lang)}
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
          checked={form.consentMarketing}
          onChange={(e) => set('consentMarketing', (e.currentTarget as HTMLInputElement).checked)}
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
  );
}
