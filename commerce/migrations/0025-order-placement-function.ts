// PostgreSQL only: order placement as one server-side function, place_orders(), called once per batch of
// placements that arrived together. For each placement, in the order given: the card check, the
// idempotency answer (insert, or 'replay' when the key is already stored), the per-member holding, the
// conditional decrement, the order row; then, once for the batch, the per-session sequence bumps (in
// session id order, so two batches never wait on each other's sequence rows crosswise) and the outbox
// rows, sold-out card view included. A placement refused after it wrote undoes its own rows in the
// same transaction, so each one is still all-or-nothing and the batch commits as one. Placements that
// redeem credit take the general path (commerce/orders/place.ts). SQLite has its own group commit.
// The function's statements are planned once per connection and reused (PL/pgSQL caches their plans).
import { type Kysely, sql } from 'kysely';
import { isPostgres } from './dialect.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`
    create or replace function place_orders(
      card_ids text[], person_ids text[], quantities integer[], order_ids text[], providers text[],
      fulfilments text[], reservation_ms bigint[], checkout_urls text[], idem_keys text[],
      request_hashes text[], now_ms bigint
    ) returns table (idx integer, outcome text, detail text, remaining integer, body text)
    language plpgsql as $fn$
    #variable_conflict use_column
    declare
      c record;
      i integer;
      n integer := coalesce(array_length(card_ids, 1), 0);
      q integer;
      rows_done integer;
      left_units integer;
      reply json;
      order_event json;
      ev_type text[] := '{}';
      ev_agg text[] := '{}';
      ev_session text[] := '{}';
      ev_payload text[] := '{}';
      s record;
      seq_session text[] := '{}';
      seq_first bigint[] := '{}';
      seq_last bigint;
    begin
      for i in 1 .. n loop
        q := quantities[i];
        select cards.id, cards.session_id, cards.sku_id, cards.state, cards.price_minor, cards.currency,
               cards.per_member_limit, cards.starts_at_ms, cards.ends_at_ms,
               live_sessions.state as session_state
          into c
          from cards join live_sessions on live_sessions.id = cards.session_id
         where cards.id = card_ids[i];
        if not found then
          idx := i; outcome := 'not_found'; detail := null; remaining := null; body := null;
          return next; continue;
        end if;
        if c.state = 'sold_out' then
          idx := i; outcome := 'sold_out'; detail := null; remaining := 0; body := null;
          return next; continue;
        end if;
        if c.session_state <> 'live' then
          idx := i; outcome := 'session_state'; detail := c.session_state; remaining := null; body := null;
          return next; continue;
        end if;
        -- The open-card rule (commerce/sales/bag.ts): pinned now, or pinned earlier and unpinned since.
        if c.state not in ('pinned', 'unpinned') then
          idx := i; outcome := 'card_state'; detail := c.state; remaining := null; body := null;
          return next; continue;
        end if;
        if c.starts_at_ms is not null and now_ms < c.starts_at_ms then
          idx := i; outcome := 'card_state'; detail := 'not open yet'; remaining := null; body := null;
          return next; continue;
        end if;
        if c.ends_at_ms is not null and now_ms >= c.ends_at_ms then
          idx := i; outcome := 'card_state'; detail := 'closed'; remaining := null; body := null;
          return next; continue;
        end if;
        if q > c.per_member_limit then
          idx := i; outcome := 'limit'; detail := c.per_member_limit::text; remaining := null; body := null;
          return next; continue;
        end if;

        -- The answer is known before anything is written: the order as the API shows it.
        reply := json_build_object(
          'orderId', order_ids[i], 'personId', person_ids[i], 'sessionId', c.session_id,
          'cardId', c.id, 'skuId', c.sku_id, 'quantity', q, 'unitPriceMinor', c.price_minor,
          'totalMinor', c.price_minor * q, 'creditMinor', 0, 'payableMinor', c.price_minor * q,
          'currency', c.currency, 'status', 'placed', 'provider', providers[i],
          'fulfilment', fulfilments[i]::json, 'reservedUntilMs', now_ms + reservation_ms[i],
          'paidAtMs', null, 'createdAtMs', now_ms, 'updatedAtMs', now_ms,
          'checkoutUrl', checkout_urls[i]);

        -- The key's answer first: a key another transaction stored is answered from there.
        insert into idempotency_keys (person_id, key, request_hash, status_code, body, created_at_ms)
        values (person_ids[i], idem_keys[i], request_hashes[i], 201, reply::text, now_ms)
        on conflict (person_id, key) do nothing;
        get diagnostics rows_done = row_count;
        if rows_done = 0 then
          idx := i; outcome := 'replay'; detail := null; remaining := null; body := null;
          return next; continue;
        end if;

        -- Per-member limit: raised only while the sum stays within it.
        insert into card_holdings as h (card_id, person_id, quantity) values (c.id, person_ids[i], q)
        on conflict (card_id, person_id) do update set quantity = h.quantity + excluded.quantity
        where h.quantity + excluded.quantity <= c.per_member_limit;
        get diagnostics rows_done = row_count;
        if rows_done = 0 then
          delete from idempotency_keys where person_id = person_ids[i] and key = idem_keys[i];
          idx := i; outcome := 'limit'; detail := c.per_member_limit::text; remaining := null; body := null;
          return next; continue;
        end if;

        -- The stock decision: only an open card with enough units left loses them.
        update cards set remaining = cards.remaining - q,
               state = case when cards.remaining - q = 0 then 'sold_out' else cards.state end,
               updated_at_ms = now_ms
         where cards.id = c.id and cards.state in ('pinned', 'unpinned') and cards.remaining >= q
        returning cards.remaining into left_units;
        if not found then
          delete from idempotency_keys where person_id = person_ids[i] and key = idem_keys[i];
          update card_holdings set quantity = quantity - q where card_id = c.id and person_id = person_ids[i];
          delete from card_holdings where card_id = c.id and person_id = person_ids[i] and quantity <= 0;
          select cards.remaining into left_units from cards where cards.id = c.id;
          idx := i; outcome := case when left_units = 0 then 'sold_out' else 'insufficient' end;
          detail := null; remaining := left_units; body := null;
          return next; continue;
        end if;

        insert into orders (id, person_id, session_id, card_id, sku_id, quantity, unit_price_minor,
                            total_minor, currency, status, provider, fulfilment, reserved_until_ms,
                            paid_at_ms, created_at_ms, updated_at_ms)
        values (order_ids[i], person_ids[i], c.session_id, c.id, c.sku_id, q, c.price_minor,
                c.price_minor * q, c.currency, 'placed', providers[i], fulfilments[i],
                now_ms + reservation_ms[i], null, now_ms, now_ms);

        order_event := json_build_object(
          'orderId', order_ids[i], 'personId', person_ids[i], 'cardId', c.id, 'quantity', q,
          'totalMinor', c.price_minor * q, 'creditMinor', 0, 'currency', c.currency, 'status', 'placed');
        ev_type := ev_type || array['order.placed', 'stock.changed'];
        ev_agg := ev_agg || array[order_ids[i], c.id];
        ev_session := ev_session || array[c.session_id, c.session_id];
        ev_payload := ev_payload || array[order_event::text,
                                          json_build_object('cardId', c.id, 'remaining', left_units)::text];
        if left_units = 0 then
          ev_type := ev_type || 'card.sold_out'::text;
          ev_agg := ev_agg || c.id::text;
          ev_session := ev_session || c.session_id::text;
          ev_payload := ev_payload || (
            select json_build_object('cardId', k.id, 'remaining', 0, 'state', 'sold_out', 'card',
                     json_build_object(
                       'cardId', k.id, 'sessionId', k.session_id, 'skuId', k.sku_id,
                       'titles', sku.titles::json, 'priceMinor', k.price_minor, 'currency', k.currency,
                       'allotted', k.allotted, 'remaining', k.remaining,
                       'perMemberLimit', k.per_member_limit, 'startsAtMs', k.starts_at_ms,
                       'endsAtMs', k.ends_at_ms, 'state', k.state, 'pinnedAtMs', k.pinned_at_ms))::text
              from cards k join skus sku on sku.id = k.sku_id where k.id = c.id);
        end if;

        idx := i; outcome := 'placed'; detail := null; remaining := left_units; body := reply::text;
        return next;
      end loop;

      if array_length(ev_type, 1) is null then
        return;
      end if;
      -- One sequence bump per session, in session id order; each session's block of numbers is then
      -- handed out in event order.
      for s in select e.sid, count(*)::integer as cnt from unnest(ev_session) as e(sid)
                where e.sid is not null group by e.sid order by e.sid loop
        insert into session_sequences as sq (session_id, last_seq) values (s.sid, s.cnt)
        on conflict (session_id) do update set last_seq = sq.last_seq + excluded.last_seq
        returning sq.last_seq into seq_last;
        seq_session := seq_session || s.sid;
        seq_first := seq_first || (seq_last - s.cnt + 1);
      end loop;
      insert into outbox_pending (type, aggregate_id, session_id, session_seq, payload, created_at_ms)
      select e.t, e.a, e.s,
             f.start_seq + row_number() over (partition by e.s order by e.ord) - 1,
             e.p, now_ms
        from unnest(ev_type, ev_agg, ev_session, ev_payload) with ordinality as e(t, a, s, p, ord)
        left join unnest(seq_session, seq_first) as f(sid, start_seq) on f.sid = e.s
       order by e.ord;
    end
    $fn$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`drop function place_orders(text[], text[], integer[], text[], text[], text[], bigint[], text[], text[], text[], bigint)`.execute(
    db,
  );
}
