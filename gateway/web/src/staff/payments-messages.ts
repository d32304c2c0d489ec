// Texts of the orphaned-payments panel on the orders page.
import { defineMessages } from '../common/i18n.ts';

export const tp = defineMessages({
  en: {
    orphanedTitle: 'Payments to refund',
    orphanedIntro:
      'The payment provider confirmed these charges, but no order could take them (expired, cancelled, paid twice, another amount, unknown order). Refund each one at the provider, then mark it refunded.',
    orphanedNone: 'No payments waiting for a refund.',
    eventId: 'Provider event',
    order: 'Order',
    amount: 'Amount',
    reason: 'Reason',
    received: 'Received',
    markRefunded: 'Mark refunded',
    markRefundedText: 'Has the payment {id} been refunded at the provider?',
    done: 'done',
    order_not_payable: 'Order no longer payable',
    order_unknown: 'Unknown order',
    amount_mismatch: 'Amount or currency differs',
    provider_mismatch: 'Paid through another provider',
  },
  'zh-Hans': {
    orphanedTitle: '待退款的付款',
    orphanedIntro:
      '支付服务商已确认以下扣款，但没有订单可以接收（已过期、已取消、重复付款、金额不符或订单不存在）。请在支付服务商处逐笔退款，然后标记为已退款。',
    orphanedNone: '没有等待退款的付款。',
    eventId: '支付事件',
    order: '订单',
    amount: '金额',
    reason: '原因',
    received: '收到时间',
    markRefunded: '标记为已退款',
    markRefundedText: '付款 {id} 是否已在支付服务商处退款？',
    done: '完成',
    order_not_payable: '订单已无法付款',
    order_unknown: '订单不存在',
    amount_mismatch: '金额或币种不符',
    provider_mismatch: '通过其他支付方式付款',
  },
  'zh-Hant': {
    orphanedTitle: '待退款的付款',
    orphanedIntro:
      '支付服務商已確認以下扣款，但沒有訂單可以接收（已過期、已取消、重複付款、金額不符或訂單不存在）。請在支付服務商處逐筆退款，然後標記為已退款。',
    orphanedNone: '沒有等待退款的付款。',
    eventId: '支付事件',
    order: '訂單',
    amount: '金額',
    reason: '原因',
    received: '收到時間',
    markRefunded: '標記為已退款',
    markRefundedText: '付款 {id} 是否已在支付服務商處退款？',
    done: '完成',
    order_not_payable: '訂單已無法付款',
    order_unknown: '訂單不存在',
    amount_mismatch: '金額或幣種不符',
    provider_mismatch: '透過其他支付方式付款',
  },
});
