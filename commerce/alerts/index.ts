// Alerts on readings: the rules staff edit and the consumer that raises alerts from readings.
export {
  ALERT_AUDIENCES,
  ALERT_COMPARISONS,
  ALERT_RULES_MAX,
  ALERT_SEVERITIES,
  type AlertAudience,
  type AlertRule,
  AlertRules,
  type NewAlertRule,
  trips,
} from './alert-rules.ts';
export { ALERT_TASK_TITLE, ALERTS_CONSUMER, alertsConsumer } from './alerts-consumer.ts';
