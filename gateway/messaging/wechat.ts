// The WeChat official account, as the platform uses it: an access_token from cgi-bin/token kept until
// shortly before it expires (refetched once when WeChat says it is invalid or expired), template
// messages through cgi-bin/message/template/send, and web authorisation (sns/oauth2/access_token: the
// code from the authorise redirect becomes the person's openid).
import type { ChannelSender, Delivery } from '../../commerce/index.ts';

/** A WeChat API that does not answer within this is treated as down. */
const WECHAT_TIMEOUT_MS = 10_000;
/** The token is refreshed this long before WeChat's expiry, so one in flight never expires mid-call. */
const TOKEN_EARLY_MS = 300_000;
/** access_token invalid (40001), expired (42001), not the latest (40014). */
const TOKEN_ERRORS = new Set([40001, 40014, 42001]);

export interface WechatAccount {
  apiUrl: string;
  appId: string;
  appSecret: string;
  templateId: string | undefined;
  now?: () => number;
}

interface WechatReply {
  errcode?: number;
  errmsg?: string;
  [key: string]: unknown;
}

export class WechatError extends Error {
  constructor(
    readonly errcode: number,
    errmsg: string,
  ) {
    super(`WeChat answered ${errcode}: ${errmsg}`);
  }
}

async function getJson(url: URL, init?: RequestInit): Promise<WechatReply> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(WECHAT_TIMEOUT_MS) });
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`WeChat answered HTTP ${res.status}`);
  }
  const body = (await res.json()) as WechatReply;
  if (body.errcode) throw new WechatError(body.errcode, String(body.errmsg ?? ''));
  return body;
}

export class WechatClient implements ChannelSender {
  readonly #a: WechatAccount;
  readonly #now: () => number;
  #token: { value: string; until: number } | undefined;
  #fetching: Promise<string> | undefined;

  constructor(account: WechatAccount) {
    this.#a = account;
    this.#now = account.now ?? Date.now;
  }

  #url(path: string, query: Record<string, string>): URL {
    const url = new URL(path, this.#a.apiUrl);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return url;
  }

  /** The cached access_token, fetched when missing or near its end (one fetch at a time). */
  async accessToken(): Promise<string> {
    if (this.#token && this.#token.until > this.#now()) return this.#token.value;
    this.#fetching ??= (async () => {
      try {
        const body = await getJson(
          this.#url('/cgi-bin/token', {
            grant_type: 'client_credential',
            appid: this.#a.appId,
            secret: this.#a.appSecret,
          }),
        );
        const value = String(body.access_token ?? '');
        if (!value) throw new Error('WeChat gave no access_token');
        const ttlMs = Number(body.expires_in ?? 7200) * 1000;
        this.#token = { value, until: this.#now() + Math.max(0, ttlMs - TOKEN_EARLY_MS) };
        return value;
      } finally {
        this.#fetching = undefined;
      }
    })();
    return this.#fetching;
  }

  async send(d: Delivery): Promise<{ providerId?: string }> {
    if (!this.#a.templateId) throw new Error('WECHAT_TEMPLATE_ID is not set');
    const body = JSON.stringify({
      touser: d.to,
      template_id: this.#a.templateId,
      ...(d.url ? { url: d.url } : {}),
      data: {
        first: { value: d.subject },
        keyword1: { value: d.text.slice(0, 200) },
        remark: { value: d.kind },
      },
    });
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken();
      try {
        const reply = await getJson(this.#url('/cgi-bin/message/template/send', { access_token: token }), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        return { providerId: reply.msgid === undefined ? undefined : String(reply.msgid) };
      } catch (err) {
        // A token WeChat no longer accepts (another server fetched a new one): refetch once.
        if (attempt === 0 && err instanceof WechatError && TOKEN_ERRORS.has(err.errcode)) {
          this.#token = undefined;
          continue;
        }
        throw err;
      }
    }
  }

  /** Web authorisation: the code from the authorise redirect, exchanged for the person's openid. */
  async openidForCode(code: string): Promise<string> {
    const body = await getJson(
      this.#url('/sns/oauth2/access_token', {
        appid: this.#a.appId,
        secret: this.#a.appSecret,
        code,
        grant_type: 'authorization_code',
      }),
    );
    const openid = typeof body.openid === 'string' ? body.openid : '';
    if (!/^[\w-]{6,64}$/.test(openid)) throw new Error('WeChat gave no usable openid');
    return openid;
  }

  /** Where the browser is sent to authorise (scope snsapi_base: the openid only, no prompt). */
  authoriseUrl(redirectUri: string, state: string): string {
    const q = new URLSearchParams({
      appid: this.#a.appId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'snsapi_base',
      state,
    });
    return `https://open.weixin.qq.com/connect/oauth2/authorize?${q}#wechat_redirect`;
  }
}
