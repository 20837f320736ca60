/** JSON columns: written with a check that the value survives the round trip, read back as unknown. */
export function toJson(value: unknown, where: string): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError(`${where}: value cannot be stored as JSON`);
  return text;
}

export function fromJson(text: string): unknown {
  return JSON.parse(text) as unknown;
}

export function bit(b: boolean): 0 | 1 {
  return b ? 1 : 0;
}
