// Catalog: products with their SKUs, stock, tags and the reading metrics they address; create a
// product with one SKU, receive or write off stock (asked to confirm), edit a product's tags and
// reading ranges.
import { useState } from 'preact/hooks';
import type { Product } from '../../../../protocols/index.ts';
import { api } from '../common/api.ts';
import { ApiError } from '../common/errors.ts';
import { formatMoney, localised } from '../common/i18n.ts';
import { currencyDigits, parseMoney } from '../common/money.ts';
import { AsyncView, useAsync } from '../common/ui.tsx';
import { tk } from './catalog-messages.ts';
import {
  ActionForm,
  ConfirmButton,
  commaList,
  Input,
  PAGE_SIZE,
  Pager,
  SubmitButton,
  useAction,
} from './kit.tsx';
import { ts } from './messages.ts';
import { ProductEditor } from './product-editor.tsx';

export type { Product };

export function CatalogPage() {
  const [offset, setOffset] = useState(0);
  const products = useAsync(
    (signal) => api.get<Product[]>(`/api/products?limit=${PAGE_SIZE}&offset=${offset}`, { signal }),
    [offset],
  );
  const action = useAction();
  const [deltas, setDeltas] = useState<Record<string, string>>({});
  const [editing, setEditing] = useState<string>();
  const edited = products.data?.find((p) => p.productId === editing);
  return (
    <>
      <NewProduct onCreated={products.reload} />
      <section class="panel">
        {action.view()}
        <AsyncView state={products}>
          {(rows) =>
            rows.length === 0 ? (
              <p class="hint">{ts('none')}</p>
            ) : (
              <>
                <table class="catalog-table">
                  <thead>
                    <tr>
                      <th scope="col">{tk('product')}</th>
                      <th scope="col">{tk('sku')}</th>
                      <th scope="col">{tk('price')}</th>
                      <th scope="col">{tk('stock')}</th>
                      <th scope="col">{tk('tags')}</th>
                      <th scope="col">{ts('metric')}</th>
                      <th scope="col">{tk('receive')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.flatMap((p) =>
                      p.skus.map((s) => (
                        <tr key={s.skuId} data-sku-id={s.skuId}>
                          <th scope="row">
                            {localised(p.titles)}{' '}
                            <button
                              type="button"
                              class="link"
                              aria-label={`${tk('edit')}: ${localised(p.titles)} ${s.code}`}
                              aria-expanded={editing === p.productId}
                              onClick={() => setEditing(editing === p.productId ? undefined : p.productId)}
                            >
                              {tk('edit')}
                            </button>
                          </th>
                          <td>
                            <code>{s.code}</code>
                          </td>
                          <td>{formatMoney(s.priceMinor, s.currency)}</td>
                          <td data-col="stock">{s.stockOnHand}</td>
                          <td>{p.tags.join(', ')}</td>
                          <td data-col="metrics">
                            {p.metrics.map((m) => `${m.metric} ${m.min}–${m.max}`).join(', ')}
                          </td>
                          <td class="actions">
                            <input
                              type="number"
                              aria-label={`${tk('delta')} ${s.code}`}
                              value={deltas[s.skuId] ?? ''}
                              onInput={(e) =>
                                setDeltas({
                                  ...deltas,
                                  [s.skuId]: (e.currentTarget as HTMLInputElement).value,
                                })
                              }
                            />
                            <ConfirmButton
                              label={tk('receive')}
                              text={`${tk('receive')}: ${s.code} ${deltas[s.skuId] ?? ''}`}
                              disabled={action.busy || !Number(deltas[s.skuId])}
                              onConfirm={() =>
                                action.run(async () => {
                                  await api.post(`/api/skus/${s.skuId}/stock`, {
                                    delta: Number(deltas[s.skuId]),
                                  });
                                  setDeltas({ ...deltas, [s.skuId]: '' });
                                  products.reload();
                                  return ts('done');
                                })
                              }
                            />
                          </td>
                        </tr>
                      )),
                    )}
                  </tbody>
                </table>
                <Pager offset={offset} count={rows.length} onChange={setOffset} />
              </>
            )
          }
        </AsyncView>
      </section>
      {edited && <ProductEditor key={edited.productId} product={edited} onSaved={products.reload} />}
    </>
  );
}

function NewProduct({ onCreated }: { onCreated: () => void }) {
  const [en, setEn] = useState('');
  const [hans, setHans] = useState('');
  const [hant, setHant] = useState('');
  const [tags, setTags] = useState('');
  const [code, setCode] = useState('');
  const [price, setPrice] = useState('');
  const [currency, setCurrency] = useState('CNY');
  const [stock, setStock] = useState('0');
  return (
    <ActionForm
      class="panel"
      label={tk('newProduct')}
      run={async () => {
        const amount = parseMoney(price, currency);
        if (!amount.ok) {
          throw new ApiError('INVALID_AMOUNT', 0, 'invalid amount', {
            currency: currency.trim().toUpperCase(),
            digits: currencyDigits(currency),
          });
        }
        await api.post('/api/products', {
          titles: {
            en: en.trim(),
            'zh-Hans': hans.trim() || en.trim(),
            'zh-Hant': hant.trim() || en.trim(),
          },
          tags: commaList(tags),
          skus: [
            {
              code: code.trim(),
              priceMinor: amount.minor,
              currency: currency.trim(),
              stock: Number(stock),
            },
          ],
        });
        // Every field starts again empty, so the next product cannot inherit this one's price or tags.
        setEn('');
        setHans('');
        setHant('');
        setTags('');
        setCode('');
        setPrice('');
        setStock('0');
        onCreated();
        return ts('done');
      }}
    >
      {(busy, outcome) => (
        <>
          <h3>{tk('newProduct')}</h3>
          <div class="row">
            <Input label={tk('titleEn')} value={en} onInput={setEn} required />
            <Input label={tk('titleHans')} value={hans} onInput={setHans} />
            <Input label={tk('titleHant')} value={hant} onInput={setHant} />
            <Input label={tk('tags')} value={tags} onInput={setTags} />
          </div>
          <div class="row">
            <Input label={tk('skuCode')} value={code} onInput={setCode} required />
            <Input label={tk('price')} inputMode="decimal" value={price} onInput={setPrice} required />
            <Input label={tk('currency')} value={currency} onInput={setCurrency} required />
            <Input label={tk('stock')} type="number" value={stock} onInput={setStock} required />
            <SubmitButton busy={busy}>{ts('create')}</SubmitButton>
          </div>
          {outcome}
        </>
      )}
    </ActionForm>
  );
}
