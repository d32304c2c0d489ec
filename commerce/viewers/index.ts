export { linkViewer, type ViewerEvent, ViewerEventLog, type ViewerEventLogOptions } from './event-log.ts';
