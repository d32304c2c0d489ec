// A small WeChat official-account API for tests, with the real request and reply shapes:
// GET /cgi-bin/token (client_credential), POST /cgi-bin/message/template/send?access_token=…,
// GET /sns/oauth2/access_token (authorization_code → openid). It records template messages, counts
// token fetches, can revoke the current token (errcode 40001 on its next use) and maps codes to openids.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TemplateMessage {
  touser: string;
  template_id: string;
  url?: string;
  data: Record<string, { value: string }>;
}

export class FakeWechat {
  readonly appId = 'wx-test-app';
  readonly appSecret = `secret-${randomUUID()}`;
  readonly templateId = 'TEMPLATE-1';
  readonly received: TemplateMessage[] = [];
  tokenFetches = 0;
  /** OAuth codes the "browser" brought back, and the openid each stands for (single use). */
  readonly codes = new Map<string, string>();
  url = '';
  #token = '';
  #server: http.Server | undefined;

  /** The current token stops being accepted (another server fetched a new one). */
  revokeToken(): void {
    this.#token = `revoked-${randomUUID()}`;
  }

  async start(): Promise<this> {
    this.#server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (d) => {
        raw += d;
      });
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const q = url.searchParams;
        const json = (body: unknown) =>
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        if (req.method === 'GET' && url.pathname === '/cgi-bin/token') {
          if (
            q.get('grant_type') !== 'client_credential' ||
            q.get('appid') !== this.appId ||
            q.get('secret') !== this.appSecret
          )
            return json({ errcode: 40013, errmsg: 'invalid appid' });
          this.tokenFetches++;
          this.#token = `token-${randomUUID()}`;
          return json({ access_token: this.#token, expires_in: 7200 });
        }
        if (req.method === 'POST' && url.pathname === '/cgi-bin/message/template/send') {
          if (q.get('access_token') !== this.#token)
            return json({ errcode: 40001, errmsg: 'invalid credential' });
          const body = JSON.parse(raw) as TemplateMessage;
          this.received.push(body);
          return json({ errcode: 0, errmsg: 'ok', msgid: 200_000 + this.received.length });
        }
        if (req.method === 'GET' && url.pathname === '/sns/oauth2/access_token') {
          const openid = this.codes.get(q.get('code') ?? '');
          if (
            q.get('appid') !== this.appId ||
            q.get('secret') !== this.appSecret ||
            q.get('grant_type') !== 'authorization_code' ||
            !openid
          )
            return json({ errcode: 40029, errmsg: 'invalid code' });
          this.codes.delete(q.get('code')!);
          return json({
            access_token: `web-${randomUUID()}`,
            expires_in: 7200,
            refresh_token: 'r',
            openid,
            scope: 'snsapi_base',
          });
        }
        res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}
