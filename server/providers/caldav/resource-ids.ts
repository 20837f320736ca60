/**
 * Event ids on a CalDAV calendar come from the resource's name in its collection: `name.ics`
 * for a single event, `name.ics/20260302T080000Z` (or `/20260302` for a date) for an instance
 * of a series. So a deleted resource maps to its events, and an event back to its resource.
 */

/** The resource name (last path segment, percent-encoding normalised) of an href or URL. */
export function resourceName(href: string): string {
  const path = href.replace(/^[a-z]+:\/\/[^/]+/i, '').replace(/\/+$/, '');
  const seg = path.slice(path.lastIndexOf('/') + 1);
  let decoded: string;
  try {
    decoded = decodeURIComponent(seg);
  } catch {
    decoded = seg;
  }
  return encodeURIComponent(decoded);
}

export function resourceUrl(collection: string, name: string): string {
  return new URL(name, collection.endsWith('/') ? collection : `${collection}/`).toString();
}

export function splitEventId(id: string): { name: string; instance: string | null } {
  const i = id.indexOf('/');
  return i < 0 ? { name: id, instance: null } : { name: id.slice(0, i), instance: id.slice(i + 1) };
}

export function isOfResource(eventId: string, name: string): boolean {
  return eventId === name || eventId.startsWith(`${name}/`);
}

/** Whether an href names the collection itself (sync-collection reports a truncation on it). */
export function isCollection(href: string, collection: string): boolean {
  const path = (u: string): string => {
    try {
      return decodeURIComponent(new URL(u, collection).pathname).replace(/\/+$/, '');
    } catch {
      return u;
    }
  };
  return path(href) === path(collection);
}
