// Codes, notices and invitations reach a person in their language (zh-Hans, zh-Hant or English): the
// app's language (Accept-Language) when they register or log in, which their account then keeps, and
// English when nothing names one of ours. Read from the real messages: the in-process SMTP server and
// the fake SMS provider.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSmsProvider } from '../helpers/fake-sms.ts';
import { call } from '../helpers/http-call.ts';
import { type LiveNode, startLiveNode } from '../helpers/live-platform.ts';
import { codeIn, decodeMail } from '../helpers/mailbox.ts';
import { type Seeded, seedPerson, testTokens } from '../helpers/people.ts';

describe('the language of messages', () => {
  let node: LiveNode;
  let sms: FakeSmsProvider;
  let manager: Seeded;
  let channelId = '';

  beforeAll(async () => {
    sms = await new FakeSmsProvider().start();
    node = await startLiveNode({ SMS_PROVIDER_URL: sms.url, SMS_PROVIDER_KEY: sms.key });
    const tokens = testTokens();
    manager = await seedPerson(node.platform.store, tokens, { roles: ['channel_manager'] });
    const staff = await seedPerson(node.platform.store, tokens, { roles: ['staff'] });
    const channel = await call(node.url, 'POST', '/api/channels', {
      token: staff.token,
      body: { name: '健康俱乐部', managerId: manager.person.id, commissionBps: 500 },
    });
    channelId = channel.body.id as string;
  }, 60_000);

  afterAll(async () => {
    await node?.close();
    await sms?.close();
  });

  const register = (body: Record<string, unknown>, language?: string) =>
    call(node.url, 'POST', '/api/auth/register', {
      body: { displayName: 'Someone', password: 'a-good-password-1', ...body },
      headers: language ? { 'accept-language': language } : {},
    });

  /** The n-th mail to an address, decoded. */
  const mail = async (to: string, n: number) => decodeMail((await node.mailbox.nth(to, n)).raw);

  it('sends the code in the language the app asked in, and the account keeps it', async () => {
    const email = 'mei@example.test';
    expect((await register({ email }, 'zh-CN,zh;q=0.9,en;q=0.8')).status).toBe(202);
    const code = await mail(email, 1);
    // Before: "Your Vitalive code: …" whatever the language of the form.
    expect(code.subject).toMatch(/^您的 Vitalive 验证码：[0-9]{6}$/);
    expect(code.text).toMatch(/^您的 Vitalive 验证码是 [0-9]{6}，10 分钟内有效。/);
    expect(code.headers['content-language']).toBe('zh-Hans');
    const verified = await call(node.url, 'POST', '/api/auth/verify-contact', {
      body: { contact: email, code: codeIn(code.text) },
    });
    expect(verified.status).toBe(201);

    // Someone later tries to sign up with her e-mail from an English form: the notice reaches her in
    // her own language.
    expect((await register({ email }, 'en-US')).status).toBe(202);
    const notice = await mail(email, 2);
    expect(notice.subject).toBe('有人尝试用您的联系方式注册');
    expect(notice.text).toContain('此电子邮箱');

    // A manager working in English invites her: the invitation is in her language too.
    const invited = await call(node.url, 'POST', `/api/channels/${channelId}/invitations`, {
      token: manager.token,
      body: { displayName: 'Mei', email },
      headers: { 'accept-language': 'en' },
    });
    expect(invited.status).toBe(202);
    const invitation = await mail(email, 3);
    expect(invitation.subject).toBe('健康俱乐部 邀请您加入 Vitalive');
    expect(invitation.text).toContain('“我的邀请”');

    // She switches the app to English and logs in: what comes next is in English.
    const login = await call(node.url, 'POST', '/api/auth/login', {
      body: { login: email, password: 'a-good-password-1' },
      headers: { 'accept-language': 'en' },
    });
    expect(login.status).toBe(200);
    expect((await register({ email }, 'zh-CN')).status).toBe(202);
    expect((await mail(email, 4)).subject).toBe('Someone tried to sign up with your contact');
  });

  it('writes Traditional Chinese for zh-TW and zh-HK, by SMS too', async () => {
    const phone = '+85261230001';
    expect((await register({ phone }, 'zh-TW')).status).toBe(202);
    const [text] = sms.to(phone);
    expect(text).toMatchObject({ kind: 'contact_code', locale: 'zh-Hant' });
    expect(text!.text).toMatch(/^您的 Vitalive 驗證碼是 [0-9]{6}，10 分鐘內有效。/);
    // A resend from a Hong Kong browser: still Traditional.
    expect(
      (
        await call(node.url, 'POST', '/api/auth/contact-code', {
          body: { contact: phone },
          headers: { 'accept-language': 'zh-HK' },
        })
      ).status,
    ).toBe(202);
    expect(sms.to(phone).at(-1)!.text).toContain('驗證碼');

    // A new contact invited by a manager whose app is in Traditional Chinese: their member code, in it.
    const invitee = '+85261230002';
    await call(node.url, 'POST', `/api/channels/${channelId}/invitations`, {
      token: manager.token,
      body: { displayName: 'Wing', phone: invitee },
      headers: { 'accept-language': 'zh-Hant-HK' },
    });
    await waitForSms(invitee);
    expect(sms.to(invitee)[0]).toMatchObject({ kind: 'channel_invitation', locale: 'zh-Hant' });
    expect(sms.to(invitee)[0]!.text).toMatch(/您的會員碼是 [A-Z0-9]+/);
  });

  it('falls back by preference, then to English', async () => {
    await register({ email: 'pierre@example.test' }, 'fr-FR,fr;q=0.9');
    expect((await mail('pierre@example.test', 1)).subject).toMatch(/^Your Vitalive code: [0-9]{6}$/);
    await register({ email: 'ana@example.test' }, 'fr, zh-HK;q=0.5, en;q=0.4');
    expect((await mail('ana@example.test', 1)).subject).toMatch(/^您的 Vitalive 驗證碼：[0-9]{6}$/);
    await register({ email: 'nobody-said@example.test' });
    expect((await mail('nobody-said@example.test', 1)).subject).toMatch(/^Your Vitalive code: /);
  });

  /** Invitations are sent after the answer: wait for the provider to have one. */
  async function waitForSms(phone: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (sms.to(phone).length === 0) {
      if (Date.now() > deadline) throw new Error(`no SMS to ${phone}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
});
