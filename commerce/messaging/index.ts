export {
  chooseLocale,
  DEFAULT_MESSAGE_LOCALE,
  MESSAGE_LOCALES,
  type MessageLocale,
  messageLocaleOf,
} from './locale.ts';
export { type MessageKind, type Messenger, type OutgoingMessage, silentMessenger } from './messenger.ts';
export { type MessageText, WORDING } from './texts.ts';
