#!/usr/bin/env node
// What one invitation costs on this machine: the VTIMEZONE built from the zone data (once per
// zone and years), the calendar, the templates. `npm run build && node scripts/measure-mail.mjs`.
import { performance } from 'node:perf_hooks';
import { buildInvite } from '../dist/server/mail/ical-invite.js';
import { vtimezoneLines } from '../dist/server/mail/vtimezone.js';
import { loadTemplates } from '../dist/server/mail/templates.js';

const ms = (t) => (performance.now() - t).toFixed(2);
const start = Date.parse('2026-10-24T23:30:00Z');
const end = Date.parse('2026-10-25T02:30:00Z');
vtimezoneLines('Asia/Tokyo', start, end); // warms luxon and ICU up
for (const zone of ['America/New_York', 'Europe/Paris', 'Australia/Sydney']) {
  const t = performance.now();
  vtimezoneLines(zone, start, end);
  console.log(`VTIMEZONE ${zone}, first build: ${ms(t)} ms`);
}
const invite = {
  uid: 'u@example.org', sequence: 0, method: 'REQUEST', start, end, timeZone: 'Europe/Berlin', summary: 'Planning', location: 'Ada',
  organizer: { email: 'grace@example.com', name: 'Grace' }, attendees: Array.from({ length: 10 }, (_, i) => ({ email: `p${i}@example.com`, name: `P ${i}` })), stamp: 0,
};
for (let i = 0; i < 20; i++) buildInvite(invite);
let t = performance.now();
for (let i = 0; i < 2000; i++) buildInvite(invite);
console.log(`buildInvite, 10 attendees, zone cached: ${((performance.now() - t) / 2000).toFixed(3)} ms`);
t = performance.now();
const templates = loadTemplates({});
console.log(`loadTemplates (parse and compile every file): ${ms(t)} ms`);
const data = {
  kind: 'invite', party: { name: 'Ann', email: 'ann@example.com' }, meeting: { name: 'Planning', sequence: 0 }, organizer: invite.organizer,
  sender: { name: 'Rooms', email: 'rooms@example.org' }, room: { id: 'ada', name: 'Ada', timeZone: 'Europe/Berlin' }, start: new Date(start), end: new Date(end), url: '', language: 'de',
};
for (let i = 0; i < 50; i++) templates.render('de', data);
t = performance.now();
for (let i = 0; i < 2000; i++) templates.render('de', data);
console.log(`render one mail (from, subject, html, text): ${((performance.now() - t) / 2000).toFixed(3)} ms`);
