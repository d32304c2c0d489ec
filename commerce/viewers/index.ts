export {
  linkViewer,
  personOfViewer,
  type ViewerEvent,
  ViewerEventLog,
  type ViewerEventLogOptions,
} from './event-log.ts';
