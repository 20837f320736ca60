import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loadTemplates, TemplateError, type TemplateData } from '../../../server/mail/templates.js';

const data: TemplateData = {
  kind: 'invite',
  party: { name: 'Bernd', email: 'bernd@example.com' },
  meeting: { name: 'Budget <2027>', sequence: 0 },
  organizer: { name: 'Grace', email: 'grace@example.com' },
  sender: { name: 'Rooms', email: 'rooms@example.org' },
  room: { id: 'ada', name: 'Ada Lovelace', timeZone: 'America/New_York' },
  start: new Date('2026-07-01T14:00:00Z'),
  end: new Date('2026-07-01T15:30:00Z'),
  url: 'https://rooms.example.org/display/ada',
  language: 'de',
};

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino(
    { level: 'warn' },
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        cb();
      },
    }),
  );
  return { log, lines };
}

function overrideDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'doorplate-tpl-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

test('the shipped templates render each language with the room zone and the language locale', () => {
  const { log, lines } = capture();
  const t = loadTemplates({ log });
  assert.deepEqual(lines, [], 'the shipped templates use every field');
  const de = t.render('de', data);
  assert.equal(de.subject, 'Einladung: Budget <2027> – 01.07.2026, 10:00 (Ada Lovelace)');
  assert.equal(de.from, 'Grace via Rooms <rooms@example.org>');
  assert.match(de.text, /Mittwoch, 1\. Juli 2026/);
  assert.match(de.html, /Budget &lt;2027&gt;/, 'HTML is escaped');
  assert.ok(!de.html.includes('<2027>'));
  assert.match(t.render('en', { ...data, language: 'en', kind: 'cancel' }).subject, /^Cancelled: Budget <2027> – Jul 1, 2026, 10:00 AM/);
  assert.match(t.render('fr', { ...data, language: 'fr', kind: 'update' }).subject, /^Invitation modifiée: .* 1 juil\. 2026, 10:00/);
  assert.match(t.render('es', { ...data, language: 'es', kind: 'reminder' }).subject, /^Recordatorio: .* 1 jul 2026, 10:00/);
});

test('an override replaces only the files it has; helpers take Intl options as hash arguments', () => {
  const dir = overrideDir({
    'email/en/subject.hbs': '{{formatTime start hour="numeric" minute="2-digit" hour12=false timeZone="Asia/Tokyo" locale="en-GB"}} / {{formatRange start end locale="en-US" hour="numeric" minute="2-digit"}} {{meeting.name}} {{party.name}} {{organizer.name}} {{room.name}} {{formatTime end}} {{url}} {{language}} {{kind}} {{sender.email}}',
  });
  try {
    const t = loadTemplates({ dir });
    const en = t.render('en', { ...data, language: 'en' });
    assert.match(en.subject, /^23:00 \/ 10:00\s–\s11:30\sAM Budget/);
    // The other files come from the package.
    assert.match(en.text, /^Hello Bernd,/);
    assert.equal(t.render('de', data).subject.startsWith('Einladung'), true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a template that does not compile is refused with file:line: message', () => {
  const dir = overrideDir({ 'email/fr/html.hbs': '<p>\n{{#if party}}\n{{party.name}}\n{{/each}}\n' });
  try {
    assert.throws(
      () => loadTemplates({ dir }),
      (e: unknown) => e instanceof TemplateError && e.message.startsWith(`${join(dir, 'email/fr/html.hbs')}:2: `) && /if doesn't match each/.test(e.message),
    );
    writeFileSync(join(dir, 'email/fr/html.hbs'), 'ok\n{{party.name\n');
    assert.throws(() => loadTemplates({ dir }), (e: unknown) => e instanceof TemplateError && new RegExp(`html\\.hbs:2: Parse error on line 2`).test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a helper used wrongly is refused at load, not at the first mail', () => {
  const dir = overrideDir({ 'email/de/text.hbs': 'Hallo\n{{formatTime start hour="sometimes"}}\n' });
  try {
    assert.throws(() => loadTemplates({ dir }), (e: unknown) => e instanceof TemplateError && e.message.startsWith(join(dir, 'email/de/text.hbs')) && /hour/.test(e.message));
    writeFileSync(join(dir, 'email/de/text.hbs'), '{{formatDate meeting.name}}');
    assert.throws(() => loadTemplates({ dir }), /formatDate: "Planning" is not a date/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a field a language never uses is reported once, at load', () => {
  const dir = overrideDir({
    'email/es/subject.hbs': 'Hola',
    'email/es/text.hbs': '{{party.name}}',
    'email/es/html.hbs': '<p>{{party.name}} {{formatDate start}}</p>',
    'email/es/from.hbs': '{{sender.email}}',
  });
  try {
    const { log, lines } = capture();
    const t = loadTemplates({ dir, log });
    assert.equal(lines.length, 1);
    assert.deepEqual(lines[0]?.unused, ['kind', 'meeting', 'organizer', 'room', 'end', 'url', 'language']);
    assert.equal(lines[0]?.templates, 'email/es');
    t.render('es', { ...data, language: 'es' });
    t.render('es', { ...data, language: 'es' });
    assert.equal(lines.length, 1, 'rendering reports nothing more');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an override directory that does not exist is a config error', () => {
  assert.throws(() => loadTemplates({ dir: '/nonexistent/doorplate-templates' }), /mail\.templatesDir: \/nonexistent\/doorplate-templates is not a directory/);
});

test('a line break in a rendered subject cannot add a header', () => {
  const t = loadTemplates({});
  const r = t.render('en', { ...data, language: 'en', meeting: { name: 'x\r\nBcc: evil@example.com', sequence: 0 } });
  assert.ok(!/[\r\n]/.test(r.subject));
});
