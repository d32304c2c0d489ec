// The wording of every message commerce sends (one-time codes, "you already have an account" notices,
// channel invitations), in each language the web apps speak. Codes keep the same shape in every
// language ("Vitalive" then the six digits) so a person, or a phone's code autofill, finds them.
import type { MessageLocale } from './locale.ts';

export interface MessageText {
  subject: string;
  text: string;
}

type Field = 'email' | 'phone';

interface Wording {
  code(code: string, minutes: number): MessageText;
  taken(field: Field): MessageText;
  accountInvitation(channel: string): MessageText;
  prospectInvitation(channel: string, memberCode: string): MessageText;
}

const en: Wording = {
  code: (code, minutes) => ({
    subject: `Your Vitalive code: ${code}`,
    text: `Your Vitalive code is ${code}. It expires in ${minutes} minutes. If you did not ask for it, ignore this message.`,
  }),
  taken: (field) => ({
    subject: 'Someone tried to sign up with your contact',
    text:
      `Someone, maybe you, tried to create a Vitalive account with this ${field === 'email' ? 'e-mail address' : 'phone number'}, ` +
      'which already has one. Log in, or ask staff for a reset code if you forgot your password. If it was not you, ignore this message.',
  }),
  accountInvitation: (channel) => ({
    subject: `An invitation to join ${channel} on Vitalive`,
    text: `You are invited to join ${channel} on Vitalive. Log in and open your invitations to accept or decline it. Nothing changes unless you accept.`,
  }),
  prospectInvitation: (channel, memberCode) => ({
    subject: `An invitation from ${channel} on Vitalive`,
    text: `${channel} invites you to Vitalive. Your member code is ${memberCode}: show it at events and device tests. Register with this contact to see your results.`,
  }),
};

const zhHans: Wording = {
  code: (code, minutes) => ({
    subject: `您的 Vitalive 验证码：${code}`,
    text: `您的 Vitalive 验证码是 ${code}，${minutes} 分钟内有效。如非本人操作，请忽略此消息。`,
  }),
  taken: (field) => ({
    subject: '有人尝试用您的联系方式注册',
    text:
      `有人（可能是您本人）尝试用此${field === 'email' ? '电子邮箱' : '手机号码'}注册 Vitalive 账户，但它已有账户。` +
      '请直接登录；如忘记密码，请向工作人员索取重置码。如非本人操作，请忽略此消息。',
  }),
  accountInvitation: (channel) => ({
    subject: `${channel} 邀请您加入 Vitalive`,
    text: `${channel} 邀请您加入。请登录 Vitalive，在“我的邀请”中接受或拒绝。您接受之前，一切不变。`,
  }),
  prospectInvitation: (channel, memberCode) => ({
    subject: `${channel} 邀请您加入 Vitalive`,
    text: `${channel} 邀请您加入 Vitalive。您的会员码是 ${memberCode}，参加活动和设备检测时请出示。用此联系方式注册即可查看您的检测结果。`,
  }),
};

const zhHant: Wording = {
  code: (code, minutes) => ({
    subject: `您的 Vitalive 驗證碼：${code}`,
    text: `您的 Vitalive 驗證碼是 ${code}，${minutes} 分鐘內有效。如非本人操作，請忽略此訊息。`,
  }),
  taken: (field) => ({
    subject: '有人嘗試用您的聯絡方式註冊',
    text:
      `有人（可能是您本人）嘗試用此${field === 'email' ? '電子郵件地址' : '手機號碼'}註冊 Vitalive 帳戶，但它已有帳戶。` +
      '請直接登入；如忘記密碼，請向工作人員索取重設碼。如非本人操作，請忽略此訊息。',
  }),
  accountInvitation: (channel) => ({
    subject: `${channel} 邀請您加入 Vitalive`,
    text: `${channel} 邀請您加入。請登入 Vitalive，在「我的邀請」中接受或拒絕。您接受之前，一切不變。`,
  }),
  prospectInvitation: (channel, memberCode) => ({
    subject: `${channel} 邀請您加入 Vitalive`,
    text: `${channel} 邀請您加入 Vitalive。您的會員碼是 ${memberCode}，參加活動和設備檢測時請出示。用此聯絡方式註冊即可查看您的檢測結果。`,
  }),
};

export const WORDING: Record<MessageLocale, Wording> = { en, 'zh-Hans': zhHans, 'zh-Hant': zhHant };
