import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A recorded iCalendar fixture from test/fixtures/ical (read from the source tree, not dist). */
export function icalFixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../../../../../test/fixtures/ical/${name}`, import.meta.url)), 'utf8');
}
