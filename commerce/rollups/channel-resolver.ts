// Resolves share-link codes and buyers to channels from the people records, for the live funnel and the
// viewer event log (both resolve inside their own transaction, so every lookup takes the caller's db).
import {
  channelIdByCode,
  channelIdOfPerson,
  channelIdsByCodes,
  channelIdsOfPeople,
} from '../people/lookups.ts';
import type { ChannelResolver } from './live-funnel.ts';

export function peopleChannelResolver(): ChannelResolver {
  return {
    channelOfCode: (db, code) => channelIdByCode({ db }, code),
    channelOfPerson: (db, personId) => channelIdOfPerson({ db }, personId),
    channelsOfCodes: (db, codes) => channelIdsByCodes({ db }, codes),
    channelsOfPeople: (db, personIds) => channelIdsOfPeople({ db }, personIds),
  };
}
