// Every kind of message the queue carries: whether it is a service message (sent without marketing
// consent, also during quiet hours) or promotional, and its wording in each language. Adding a kind is
// one entry here; triggers enqueue it by name with its parameters.
import type { MessageLocale } from './locale.ts';
import type { MessageText } from './texts.ts';

/** Template parameters: strings, numbers (amounts in minor units, times in epoch ms). */
export type MessageParams = Record<string, string | number | null>;

/** Formats parameters for the reader: their language and their time zone. */
export interface Formatter {
  time(ms: number): string;
  money(minor: number, currency: string): string;
}

type Render = (p: MessageParams, f: Formatter) => MessageText;

export interface KindSpec {
  /** Promotional messages need marketing consent and wait out quiet hours; service messages do neither. */
  promotional: boolean;
  text: Record<MessageLocale, Render>;
}

type Param = MessageParams[string] | undefined;
const s = (v: Param): string => (v === null || v === undefined ? '' : String(v));
const n = (v: Param): number => Number(v ?? 0);
/** A link on a line of its own, or nothing. */
const link = (v: Param): string => (v ? `\n${s(v)}` : '');

export const KINDS = {
  live_reminder_15min: {
    promotional: false,
    text: {
      en: (p, f) => ({
        subject: `Starting in 15 minutes: ${s(p.title)}`,
        text: `"${s(p.title)}" goes live at ${f.time(n(p.scheduledAtMs))}. You asked to be reminded.${link(p.url)}`,
      }),
      'zh-Hans': (p, f) => ({
        subject: `15 分钟后开播：${s(p.title)}`,
        text: `您预约的直播「${s(p.title)}」将于 ${f.time(n(p.scheduledAtMs))} 开始。${link(p.url)}`,
      }),
      'zh-Hant': (p, f) => ({
        subject: `15 分鐘後開播：${s(p.title)}`,
        text: `您預約的直播「${s(p.title)}」將於 ${f.time(n(p.scheduledAtMs))} 開始。${link(p.url)}`,
      }),
    },
  },
  live_reminder_golive: {
    promotional: false,
    text: {
      en: (p) => ({
        subject: `Live now: ${s(p.title)}`,
        text: `"${s(p.title)}" is live now. You asked to be reminded.${link(p.url)}`,
      }),
      'zh-Hans': (p) => ({
        subject: `正在直播：${s(p.title)}`,
        text: `您预约的直播「${s(p.title)}」已开播。${link(p.url)}`,
      }),
      'zh-Hant': (p) => ({
        subject: `正在直播：${s(p.title)}`,
        text: `您預約的直播「${s(p.title)}」已開播。${link(p.url)}`,
      }),
    },
  },
  event_invitation: {
    promotional: true,
    text: {
      en: (p, f) => ({
        subject: `You are invited: ${s(p.title)}`,
        text: `You are invited to "${s(p.title)}" at ${s(p.venue)}, ${f.time(n(p.startsAtMs))}. Show your member code at the door.`,
      }),
      'zh-Hans': (p, f) => ({
        subject: `活动邀请：${s(p.title)}`,
        text: `诚邀您参加「${s(p.title)}」，地点：${s(p.venue)}，时间：${f.time(n(p.startsAtMs))}。入场时请出示会员码。`,
      }),
      'zh-Hant': (p, f) => ({
        subject: `活動邀請：${s(p.title)}`,
        text: `誠邀您參加「${s(p.title)}」，地點：${s(p.venue)}，時間：${f.time(n(p.startsAtMs))}。入場時請出示會員碼。`,
      }),
    },
  },
  event_reminder_day_before: {
    promotional: false,
    text: {
      en: (p, f) => ({
        subject: `Tomorrow: ${s(p.title)}`,
        text: `A reminder: "${s(p.title)}" at ${s(p.venue)} starts ${f.time(n(p.startsAtMs))}.`,
      }),
      'zh-Hans': (p, f) => ({
        subject: `明天：${s(p.title)}`,
        text: `提醒您：「${s(p.title)}」将于 ${f.time(n(p.startsAtMs))} 在 ${s(p.venue)} 举行。`,
      }),
      'zh-Hant': (p, f) => ({
        subject: `明天：${s(p.title)}`,
        text: `提醒您：「${s(p.title)}」將於 ${f.time(n(p.startsAtMs))} 在 ${s(p.venue)} 舉行。`,
      }),
    },
  },
  order_placed: {
    promotional: false,
    text: {
      en: (p, f) => ({
        subject: 'Order received',
        text: `We received your order of ${f.money(n(p.amountMinor), s(p.currency))}.${p.payUrl ? ' Pay here:' : ''}${link(p.payUrl)}`,
      }),
      'zh-Hans': (p, f) => ({
        subject: '订单已提交',
        text: `您的订单（${f.money(n(p.amountMinor), s(p.currency))}）已提交。${p.payUrl ? '请点击付款：' : ''}${link(p.payUrl)}`,
      }),
      'zh-Hant': (p, f) => ({
        subject: '訂單已提交',
        text: `您的訂單（${f.money(n(p.amountMinor), s(p.currency))}）已提交。${p.payUrl ? '請點擊付款：' : ''}${link(p.payUrl)}`,
      }),
    },
  },
  order_paid: {
    promotional: false,
    text: {
      en: (p, f) => ({
        subject: 'Payment received',
        text: `We received ${f.money(n(p.amountMinor), s(p.currency))} for your order. Thank you.`,
      }),
      'zh-Hans': (p, f) => ({
        subject: '付款成功',
        text: `您的订单已付款 ${f.money(n(p.amountMinor), s(p.currency))}，谢谢。`,
      }),
      'zh-Hant': (p, f) => ({
        subject: '付款成功',
        text: `您的訂單已付款 ${f.money(n(p.amountMinor), s(p.currency))}，謝謝。`,
      }),
    },
  },
  order_fulfilled: {
    promotional: false,
    text: {
      // `method` is the order's fulfilment ('pickup' with its clinic, or 'delivery'); older messages
      // queued without it read as either.
      en: (p) =>
        p.method === 'pickup'
          ? {
              subject: 'Your order is ready for pickup',
              text: `Your order is ready for pickup${p.clinic ? ` at ${s(p.clinic)}` : ''}.`,
            }
          : p.method === 'delivery'
            ? { subject: 'Your order has shipped', text: 'Your order has been shipped.' }
            : {
                subject: 'Your order is on its way',
                text: 'Your order has been shipped or is ready for pickup.',
              },
      'zh-Hans': (p) =>
        p.method === 'pickup'
          ? { subject: '订单可以自提', text: `您的订单已可${p.clinic ? `在${s(p.clinic)}` : ''}自提。` }
          : p.method === 'delivery'
            ? { subject: '订单已发货', text: '您的订单已发货。' }
            : { subject: '订单已发货', text: '您的订单已发货或可以自提。' },
      'zh-Hant': (p) =>
        p.method === 'pickup'
          ? { subject: '訂單可以自取', text: `您的訂單已可${p.clinic ? `在${s(p.clinic)}` : ''}自取。` }
          : p.method === 'delivery'
            ? { subject: '訂單已出貨', text: '您的訂單已出貨。' }
            : { subject: '訂單已出貨', text: '您的訂單已出貨或可以自取。' },
    },
  },
  credit_earned: {
    promotional: false,
    text: {
      en: (p, f) => ({
        subject: 'You earned referral credit',
        text: `A purchase you referred earned you ${f.money(n(p.amountMinor), s(p.currency))} of credit, available after the refund window.`,
      }),
      'zh-Hans': (p, f) => ({
        subject: '您获得了推荐积分',
        text: `您推荐的订单为您带来 ${f.money(n(p.amountMinor), s(p.currency))} 积分，退款期过后可用。`,
      }),
      'zh-Hant': (p, f) => ({
        subject: '您獲得了推薦積分',
        text: `您推薦的訂單為您帶來 ${f.money(n(p.amountMinor), s(p.currency))} 積分，退款期過後可用。`,
      }),
    },
  },
  credit_available: {
    promotional: false,
    text: {
      en: (p, f) => ({
        subject: 'Your credit is available',
        text: `${f.money(n(p.amountMinor), s(p.currency))} of credit is now available to spend.`,
      }),
      'zh-Hans': (p, f) => ({
        subject: '积分已可用',
        text: `${f.money(n(p.amountMinor), s(p.currency))} 积分现已可用。`,
      }),
      'zh-Hant': (p, f) => ({
        subject: '積分已可用',
        text: `${f.money(n(p.amountMinor), s(p.currency))} 積分現已可用。`,
      }),
    },
  },
  follow_up_task_due: {
    promotional: false,
    text: {
      en: (p, f) => ({
        subject: `Follow-up due: ${s(p.task)}`,
        text: `A follow-up task (${s(p.task)}) is due ${f.time(n(p.dueAtMs))}.${link(p.url)}`,
      }),
      'zh-Hans': (p, f) => ({
        subject: `跟进任务到期：${s(p.task)}`,
        text: `跟进任务（${s(p.task)}）将于 ${f.time(n(p.dueAtMs))} 到期。${link(p.url)}`,
      }),
      'zh-Hant': (p, f) => ({
        subject: `跟進任務到期：${s(p.task)}`,
        text: `跟進任務（${s(p.task)}）將於 ${f.time(n(p.dueAtMs))} 到期。${link(p.url)}`,
      }),
    },
  },
  consultation_booked: {
    promotional: false,
    text: {
      en: (p, f) => ({
        subject: `Consultation booked: ${f.time(n(p.startsAtMs))}`,
        text: `Your consultation with ${s(p.withName)} is booked for ${f.time(n(p.startsAtMs))}${p.online ? ', by video' : ''}.${link(p.url)}`,
      }),
      'zh-Hans': (p, f) => ({
        subject: `咨询已预约：${f.time(n(p.startsAtMs))}`,
        text: `您与${s(p.withName)}的${p.online ? '视频' : ''}咨询已预约在 ${f.time(n(p.startsAtMs))}。${link(p.url)}`,
      }),
      'zh-Hant': (p, f) => ({
        subject: `諮詢已預約：${f.time(n(p.startsAtMs))}`,
        text: `您與${s(p.withName)}的${p.online ? '視訊' : ''}諮詢已預約在 ${f.time(n(p.startsAtMs))}。${link(p.url)}`,
      }),
    },
  },
  consultation_changed: {
    promotional: false,
    text: {
      en: (p, f) => ({
        subject: `Consultation moved: ${f.time(n(p.startsAtMs))}`,
        text: `Your consultation with ${s(p.withName)} now starts ${f.time(n(p.startsAtMs))}.${link(p.url)}`,
      }),
      'zh-Hans': (p, f) => ({
        subject: `咨询时间已更改：${f.time(n(p.startsAtMs))}`,
        text: `您与${s(p.withName)}的咨询已改到 ${f.time(n(p.startsAtMs))}。${link(p.url)}`,
      }),
      'zh-Hant': (p, f) => ({
        subject: `諮詢時間已更改：${f.time(n(p.startsAtMs))}`,
        text: `您與${s(p.withName)}的諮詢已改到 ${f.time(n(p.startsAtMs))}。${link(p.url)}`,
      }),
    },
  },
  consultation_cancelled: {
    promotional: false,
    text: {
      en: (p, f) => ({
        subject: 'Consultation cancelled',
        text: `Your consultation with ${s(p.withName)} at ${f.time(n(p.startsAtMs))} is cancelled.`,
      }),
      'zh-Hans': (p, f) => ({
        subject: '咨询已取消',
        text: `您与${s(p.withName)}在 ${f.time(n(p.startsAtMs))} 的咨询已取消。`,
      }),
      'zh-Hant': (p, f) => ({
        subject: '諮詢已取消',
        text: `您與${s(p.withName)}在 ${f.time(n(p.startsAtMs))} 的諮詢已取消。`,
      }),
    },
  },
  consultation_reminder_24h: {
    promotional: false,
    text: {
      en: (p, f) => ({
        subject: `Tomorrow: consultation with ${s(p.withName)}`,
        text: `A reminder: your consultation with ${s(p.withName)} starts ${f.time(n(p.startsAtMs))}.${link(p.url)}`,
      }),
      'zh-Hans': (p, f) => ({
        subject: `明天：与${s(p.withName)}的咨询`,
        text: `提醒您：与${s(p.withName)}的咨询将于 ${f.time(n(p.startsAtMs))} 开始。${link(p.url)}`,
      }),
      'zh-Hant': (p, f) => ({
        subject: `明天：與${s(p.withName)}的諮詢`,
        text: `提醒您：與${s(p.withName)}的諮詢將於 ${f.time(n(p.startsAtMs))} 開始。${link(p.url)}`,
      }),
    },
  },
  consultation_reminder_1h: {
    promotional: false,
    text: {
      en: (p, f) => ({
        subject: `In one hour: consultation with ${s(p.withName)}`,
        text: `Your consultation with ${s(p.withName)} starts ${f.time(n(p.startsAtMs))}.${p.online ? ' Join the video call here:' : ''}${link(p.url)}`,
      }),
      'zh-Hans': (p, f) => ({
        subject: `一小时后：与${s(p.withName)}的咨询`,
        text: `您与${s(p.withName)}的咨询将于 ${f.time(n(p.startsAtMs))} 开始。${p.online ? '点击进入视频咨询：' : ''}${link(p.url)}`,
      }),
      'zh-Hant': (p, f) => ({
        subject: `一小時後：與${s(p.withName)}的諮詢`,
        text: `您與${s(p.withName)}的諮詢將於 ${f.time(n(p.startsAtMs))} 開始。${p.online ? '點擊進入視訊諮詢：' : ''}${link(p.url)}`,
      }),
    },
  },
  contact_code: {
    promotional: false,
    text: {
      en: (p) => ({
        subject: `Your Vitalive code: ${s(p.code)}`,
        text: `Your Vitalive code is ${s(p.code)}. It expires in ${s(p.minutes)} minutes.`,
      }),
      'zh-Hans': (p) => ({
        subject: `您的 Vitalive 验证码：${s(p.code)}`,
        text: `您的 Vitalive 验证码是 ${s(p.code)}，${s(p.minutes)} 分钟内有效。`,
      }),
      'zh-Hant': (p) => ({
        subject: `您的 Vitalive 驗證碼：${s(p.code)}`,
        text: `您的 Vitalive 驗證碼是 ${s(p.code)}，${s(p.minutes)} 分鐘內有效。`,
      }),
    },
  },
} satisfies Record<string, KindSpec>;

export type QueuedKind = keyof typeof KINDS;

export function isQueuedKind(kind: string): kind is QueuedKind {
  return Object.hasOwn(KINDS, kind);
}

const INTL_LOCALE: Record<MessageLocale, string> = { en: 'en-GB', 'zh-Hans': 'zh-CN', 'zh-Hant': 'zh-TW' };

const formatters = new Map<string, Formatter>();

/** Formatters per language and zone, built once (Intl objects are costly to build, cheap to use). */
export function formatterFor(locale: MessageLocale, timeZone: string): Formatter {
  const key = `${locale}|${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    const time = new Intl.DateTimeFormat(INTL_LOCALE[locale], {
      timeZone,
      dateStyle: 'medium',
      timeStyle: 'short',
    });
    const money = new Map<string, Intl.NumberFormat>();
    f = {
      time: (ms) => time.format(ms),
      money: (minor, currency) => {
        const code = /^[A-Z]{3}$/.test(currency) ? currency : 'CNY';
        let nf = money.get(code);
        if (!nf) {
          nf = new Intl.NumberFormat(INTL_LOCALE[locale], { style: 'currency', currency: code });
          money.set(code, nf);
        }
        return nf.format(minor / 100);
      },
    };
    // Callers pass validated zones only, so the map holds at most languages × zones in use.
    formatters.set(key, f);
  }
  return f;
}

/** The subject and text of one message, in the reader's language and zone. */
export function render(
  kind: QueuedKind,
  locale: MessageLocale,
  timeZone: string,
  params: MessageParams,
): MessageText {
  return KINDS[kind].text[locale](params, formatterFor(locale, timeZone));
}
