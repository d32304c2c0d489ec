// Texts of the member page's profile form (how and in which language we reach the person).
import { defineMessages } from '../common/i18n.ts';

export const tp = defineMessages({
  en: {
    profile: 'How we reach you',
    language: 'Language of messages',
    timeZone: 'Time zone',
    preferredChannel: 'Preferred channel',
    email: 'E-mail',
    sms: 'Text message (SMS)',
    wechat: 'WeChat',
    marketingConsent: 'Send me news and offers (reminders you ask for always come)',
    save: 'Save',
    saved: 'Saved',
  },
  'zh-Hans': {
    profile: '联系方式偏好',
    language: '消息语言',
    timeZone: '时区',
    preferredChannel: '首选渠道',
    email: '电子邮件',
    sms: '短信',
    wechat: '微信',
    marketingConsent: '接收资讯和优惠（你设置的提醒始终会发送）',
    save: '保存',
    saved: '已保存',
  },
  'zh-Hant': {
    profile: '聯絡方式偏好',
    language: '訊息語言',
    timeZone: '時區',
    preferredChannel: '首選管道',
    email: '電子郵件',
    sms: '簡訊',
    wechat: '微信',
    marketingConsent: '接收資訊和優惠（你設定的提醒一律會發送）',
    save: '儲存',
    saved: '已儲存',
  },
});
