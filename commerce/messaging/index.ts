export { type MessageKind, type Messenger, type OutgoingMessage, silentMessenger } from './messenger.ts';
