import * as z from 'zod';

const Email = z.email();

export interface Address {
  name: string;
  email: string;
}

export function isEmail(s: string): boolean {
  return Email.safeParse(s).success;
}

/** `Name <a@b>` or `a@b`; null when there is no valid address in it. */
export function parseAddress(s: string): Address | null {
  const m = /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(s);
  const name = (m?.[1] ?? '').replace(/^"(.*)"$/, '$1');
  const email = (m?.[2] ?? s).trim();
  return isEmail(email) ? { name, email } : null;
}

/** The domain of an address, for Message-IDs. */
export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1) || 'localhost';
}
