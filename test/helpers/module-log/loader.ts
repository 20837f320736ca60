// The resolve hook of register.ts (runs on the loader thread): records each resolved URL.
import { appendFileSync } from 'node:fs';

interface Resolved {
  url: string;
}
type NextResolve = (specifier: string, context: unknown) => Promise<Resolved>;

export async function resolve(specifier: string, context: unknown, next: NextResolve): Promise<Resolved> {
  const resolved = await next(specifier, context);
  const file = process.env.DOORPLATE_MODULE_LOG;
  if (file) appendFileSync(file, `esm ${resolved.url}\n`);
  return resolved;
}
