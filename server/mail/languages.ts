/** The languages mails are written in (a template set each); without the template engine, which only sending needs. */
export const LANGUAGES = ['en', 'de', 'fr', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];
