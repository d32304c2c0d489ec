// Buying from a card, in a half sheet that leaves the video in view: a visitor lands on "create an
// account" with "log in" one tap away (the share link's codes kept); then quantity, pickup at a clinic
// chosen from the clinic records (free text only when there are none) or delivery, remembered for the
// next buy, and available credit to spend; then one tap to place the order.
import { useEffect, useState } from 'preact/hooks';
import type { ClinicWire, Credit } from '../../../../protocols/index.ts';
import { api } from '../common/api.ts';
import { AuthForms, useSession } from '../common/auth-ui.tsx';
import { formatMoney, localised } from '../common/i18n.ts';
import { Dialog, ErrorNotice, Field, useAsync } from '../common/ui.tsx';
import type { Card, Fulfilment, Order } from './live-state.ts';
import { tl } from './messages.ts';

const FULFILMENT_KEY = 'vl.fulfilment';

function remembered(): Fulfilment {
  try {
    const v = JSON.parse(localStorage.getItem(FULFILMENT_KEY) ?? 'null') as Fulfilment | null;
    if (v && (v.method === 'pickup' || v.method === 'delivery')) return v;
  } catch {
    // nothing kept
  }
  return { method: 'pickup', clinic: '' };
}

const emptyAddress = { name: '', phone: '', line1: '', city: '', postcode: '', country: 'CN' };
type AddressKey = keyof typeof emptyAddress;

/** The delivery address form, in order: each field's limits (as the API checks them) and autofill hint. */
const ADDRESS_FIELDS: Array<{
  key: AddressKey;
  required?: boolean;
  minLength?: number;
  maxLength: number;
  autoComplete: string;
  inputMode?: 'tel';
}> = [
  { key: 'name', required: true, maxLength: 80, autoComplete: 'name' },
  { key: 'phone', required: true, maxLength: 32, autoComplete: 'tel', inputMode: 'tel' },
  { key: 'line1', required: true, maxLength: 200, autoComplete: 'street-address' },
  { key: 'city', required: true, maxLength: 80, autoComplete: 'address-level2' },
  { key: 'postcode', maxLength: 16, autoComplete: 'postal-code' },
  { key: 'country', required: true, minLength: 2, maxLength: 2, autoComplete: 'country' },
];

export interface BuyDialogProps {
  card: Card | undefined;
  codes: { ref?: string | undefined; ch?: string | undefined };
  onClose: () => void;
  place: (
    order: { cardId: string; quantity: number; fulfilment: Fulfilment; redeemCreditMinor?: number },
    idempotencyKey: string,
  ) => Promise<Order>;
}

/** "Create an account" first, "log in" one tap away, at the top of the sheet. */
function SignInFirst({ codes }: { codes: BuyDialogProps['codes'] }) {
  const [mode, setMode] = useState<'register' | 'login'>('register');
  return (
    <div>
      <p class="hint">{tl('signInToBuy')}</p>
      <div class="auth-tabs">
        <button
          type="button"
          class={mode === 'register' ? 'primary' : 'secondary'}
          aria-pressed={mode === 'register'}
          onClick={() => setMode('register')}
        >
          {tl('tabRegister')}
        </button>
        <button
          type="button"
          class={mode === 'login' ? 'primary' : 'secondary'}
          aria-pressed={mode === 'login'}
          onClick={() => setMode('login')}
        >
          {tl('tabLogin')}
        </button>
      </div>
      <AuthForms key={mode} initial={mode} referralCode={codes.ref} channelCode={codes.ch} />
    </div>
  );
}

/**
 * Open clinics for pickup: null until read for an open sheet; an empty list (or none reachable) falls
 * back to typing the clinic.
 */
function useClinics(active: boolean): ClinicWire[] | null {
  const state = useAsync(
    async (signal) =>
      active
        ? (await api.get<{ clinics: ClinicWire[] }>('/api/clinics', { auth: false, signal })).clinics
        : null,
    [active],
  );
  if (state.status === 'loading') return null;
  if (state.status === 'error') return [];
  return state.data ?? null;
}

/** The signed-in buyer's available credit in the card's currency (0 when none or unknown). */
function useAvailableCredit(personId: string | undefined, currency: string | undefined): number {
  const [available, setAvailable] = useState(0);
  useEffect(() => {
    setAvailable(0);
    if (!personId || !currency) return;
    api.get<Credit>('/api/me/credit').then(
      (c) => setAvailable(c.balances.find((b) => b.currency === currency)?.availableMinor ?? 0),
      () => undefined,
    );
  }, [personId, currency]);
  return available;
}

export function BuyDialog({ card, codes, onClose, place }: BuyDialogProps) {
  const session = useSession();
  const start = remembered();
  const [method, setMethod] = useState<Fulfilment['method']>(start.method);
  const [clinic, setClinic] = useState(start.method === 'pickup' ? (start.clinic ?? '') : '');
  const [clinicId, setClinicId] = useState(start.method === 'pickup' ? (start.clinicId ?? '') : '');
  const [address, setAddress] = useState(
    start.method === 'delivery' ? { ...emptyAddress, ...start.address } : emptyAddress,
  );
  const [quantity, setQuantity] = useState(1);
  const [useCredit, setUseCredit] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  // One key per attempt at this card: a retry after a dropped answer gets the same order.
  const [key, setKey] = useState(() => crypto.randomUUID());
  const open = card !== undefined;
  const clinics = useClinics(open && session !== undefined);
  const clinicList = clinics ?? [];
  const available = useAvailableCredit(open ? session?.person.id : undefined, card?.currency);
  const title = card ? localised(card.titles) : '';
  const max = card ? Math.max(1, Math.min(card.perMemberLimit, card.remaining, 10)) : 1;
  const chosenClinic = clinicList.find((c) => c.clinicId === clinicId) ?? clinicList[0];

  async function submit(e: Event) {
    e.preventDefault();
    if (!card) return;
    let fulfilment: Fulfilment;
    if (method === 'pickup')
      fulfilment = chosenClinic
        ? { method: 'pickup', clinicId: chosenClinic.clinicId }
        : { method: 'pickup', clinic: clinic.trim() };
    else
      fulfilment = {
        method: 'delivery',
        address: {
          name: address.name.trim(),
          phone: address.phone.trim(),
          line1: address.line1.trim(),
          city: address.city.trim(),
          country: address.country.trim().toUpperCase(),
          ...(address.postcode.trim() ? { postcode: address.postcode.trim() } : {}),
        },
      };
    const total = card.priceMinor * quantity;
    setBusy(true);
    setError(undefined);
    try {
      await place(
        {
          cardId: card.cardId,
          quantity,
          fulfilment,
          ...(useCredit && available > 0 ? { redeemCreditMinor: Math.min(available, total) } : {}),
        },
        key,
      );
      try {
        localStorage.setItem(FULFILMENT_KEY, JSON.stringify(fulfilment));
      } catch {
        // not remembered
      }
      setKey(crypto.randomUUID());
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const set = (k: AddressKey) => (v: string) => setAddress((a) => ({ ...a, [k]: v }));
  const amount = card ? formatMoney(card.priceMinor * quantity, card.currency) : '';
  const soldOut = card !== undefined && (card.state === 'sold_out' || card.remaining <= 0);
  return (
    <Dialog open={open} title={tl('buyTitle', { title })} onClose={onClose} class="sheet buy-dialog">
      {!session ? (
        <SignInFirst codes={codes} />
      ) : (
        <form class="buy-form" onSubmit={submit}>
          <label class="field">
            <span>{tl('quantity')}</span>
            <select
              name="quantity"
              value={String(quantity)}
              onChange={(e) => setQuantity(Number((e.currentTarget as HTMLSelectElement).value))}
            >
              {Array.from({ length: max }, (_, i) => (
                <option key={i} value={String(i + 1)}>
                  {i + 1}
                </option>
              ))}
            </select>
          </label>
          <fieldset>
            <legend>{tl('delivery')}</legend>
            <label class="radio">
              <input
                type="radio"
                name="method"
                value="pickup"
                checked={method === 'pickup'}
                onChange={() => setMethod('pickup')}
              />
              {tl('pickup')}
            </label>
            <label class="radio">
              <input
                type="radio"
                name="method"
                value="delivery"
                checked={method === 'delivery'}
                onChange={() => setMethod('delivery')}
              />
              {tl('ship')}
            </label>
          </fieldset>
          {method === 'pickup' && clinicList.length > 0 && chosenClinic ? (
            <div class="field">
              <label for="buy-clinic">{tl('clinic')}</label>
              <select
                id="buy-clinic"
                name="clinicId"
                value={chosenClinic.clinicId}
                onChange={(e) => setClinicId((e.currentTarget as HTMLSelectElement).value)}
              >
                {clinicList.map((c) => (
                  <option key={c.clinicId} value={c.clinicId}>
                    {localised(c.name)}
                  </option>
                ))}
              </select>
              <small class="hint clinic-address">{localised(chosenClinic.address)}</small>
            </div>
          ) : method === 'pickup' ? (
            clinics !== null && (
              <Field
                label={tl('clinic')}
                name="clinic"
                value={clinic}
                onInput={setClinic}
                required
                maxLength={120}
              />
            )
          ) : (
            ADDRESS_FIELDS.map(({ key, ...limits }) => (
              <Field
                key={key}
                label={tl(key)}
                name={key}
                value={address[key]}
                onInput={set(key)}
                {...limits}
              />
            ))
          )}
          {card && available > 0 && (
            <label class="radio credit">
              <input
                type="checkbox"
                name="useCredit"
                checked={useCredit}
                onChange={(e) => setUseCredit((e.currentTarget as HTMLInputElement).checked)}
              />
              {tl('useCredit', { amount: formatMoney(available, card.currency) })}
            </label>
          )}
          {error !== undefined && <ErrorNotice error={error} />}
          <button type="submit" class="primary" disabled={busy || soldOut} name="confirm">
            {soldOut ? tl('soldOut') : busy ? tl('placing') : tl('confirm', { amount })}
          </button>
        </form>
      )}
    </Dialog>
  );
}
