// Buying from a card: signs the viewer in inline when needed (keeping the share link's codes), then
// quantity and pickup or delivery (remembered for the next buy), then one tap to place the order.
import { useState } from 'preact/hooks';
import { AuthForms, useSession } from '../common/auth-ui.tsx';
import { formatMoney, localised } from '../common/i18n.ts';
import { Dialog, ErrorNotice, Field } from '../common/ui.tsx';
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
    order: { cardId: string; quantity: number; fulfilment: Fulfilment },
    idempotencyKey: string,
  ) => Promise<Order>;
}

export function BuyDialog({ card, codes, onClose, place }: BuyDialogProps) {
  const session = useSession();
  const start = remembered();
  const [method, setMethod] = useState<Fulfilment['method']>(start.method);
  const [clinic, setClinic] = useState(start.method === 'pickup' ? (start.clinic ?? '') : '');
  const [address, setAddress] = useState(
    start.method === 'delivery' ? { ...emptyAddress, ...start.address } : emptyAddress,
  );
  const [quantity, setQuantity] = useState(1);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  // One key per attempt at this card: a retry after a dropped answer gets the same order.
  const [key, setKey] = useState(() => crypto.randomUUID());
  const title = card ? localised(card.titles) : '';
  const max = card ? Math.max(1, Math.min(card.perMemberLimit, card.remaining, 10)) : 1;

  async function submit(e: Event) {
    e.preventDefault();
    if (!card) return;
    const fulfilment: Fulfilment =
      method === 'pickup'
        ? { method: 'pickup', clinic: clinic.trim() }
        : {
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
    setBusy(true);
    setError(undefined);
    try {
      await place({ cardId: card.cardId, quantity, fulfilment }, key);
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
    <Dialog open={card !== undefined} title={tl('buyTitle', { title })} onClose={onClose} class="buy-dialog">
      {!session ? (
        <div>
          <p class="hint">{tl('signInToBuy')}</p>
          <AuthForms
            initial={codes.ref || codes.ch ? 'register' : 'login'}
            referralCode={codes.ref}
            channelCode={codes.ch}
          />
        </div>
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
          {method === 'pickup' ? (
            <Field
              label={tl('clinic')}
              name="clinic"
              value={clinic}
              onInput={setClinic}
              required
              maxLength={120}
            />
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
          {error !== undefined && <ErrorNotice error={error} />}
          <button type="submit" class="primary" disabled={busy || soldOut} name="confirm">
            {soldOut ? tl('soldOut') : busy ? tl('placing') : tl('confirm', { amount })}
          </button>
        </form>
      )}
    </Dialog>
  );
}
