import { DoorplateError } from '../../../shared/errors.js';
import type { RequestRunner } from '../../sync/request-runner.js';
import type { DavClient } from './dav-client.js';
import { propfindBody } from './multistatus.js';

export interface DiscoveredCalendar {
  url: string;
  name: string;
}

/**
 * The calendars of the account behind `server` (RFC 6764 / RFC 4791): the principal from
 * `.well-known/caldav` (or the server address itself), its calendar-home-set, then the
 * collections in the home that are calendars.
 */
export async function discoverCalendars(server: string, deps: { client: DavClient; runner: RequestRunner }): Promise<DiscoveredCalendar[]> {
  const { client, runner } = deps;
  const principalOf = async (at: string): Promise<string | null> => {
    const ms = await runner.run('discover.principal', () => client.propfind(at, 0, propfindBody(['d:current-user-principal'])));
    const href = ms.responses[0]?.props['current-user-principal'];
    return href ? new URL(href, at).toString() : null;
  };
  let principal: string | null = null;
  try {
    principal = await principalOf(new URL('/.well-known/caldav', server).toString());
  } catch {
    principal = null;
  }
  principal ??= await principalOf(server);
  if (!principal) throw new DoorplateError('BAD_REQUEST', `provider.server: ${new URL(server).origin} names no current-user-principal`);
  const p = principal;
  const homeSet = await runner.run('discover.home', () => client.propfind(p, 0, propfindBody(['c:calendar-home-set'])));
  const homeHref = homeSet.responses[0]?.props['calendar-home-set']?.split(' ')[0];
  if (!homeHref) throw new DoorplateError('BAD_REQUEST', `provider.server: the principal has no calendar-home-set`);
  const home = new URL(homeHref, principal).toString();
  const list = await runner.run('discover.calendars', () => client.propfind(home, 1, propfindBody(['d:resourcetype', 'd:displayname'])));
  return list.responses
    .filter((r) => (r.props.resourcetype ?? '').split(' ').includes('calendar'))
    .map((r) => {
      const url = new URL(r.href, home).toString();
      const last = decodeURIComponent(new URL(url).pathname.replace(/\/+$/, '').split('/').pop() ?? '');
      return { url, name: r.props.displayname || last };
    });
}
