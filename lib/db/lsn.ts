// Postgres WAL positions ("16/B374D848": two hex halves of a 64-bit byte offset) as numbers that compare and subtract.

const LSN = /^([0-9A-F]{1,8})\/([0-9A-F]{1,8})$/i;

/** The byte offset of an LSN, or undefined when `text` is not one. */
export function parseLsn(text: string | null | undefined): bigint | undefined {
  const match = text ? LSN.exec(text.trim()) : null;
  if (!match) return undefined;
  return (BigInt(`0x${match[1]}`) << 32n) + BigInt(`0x${match[2]}`);
}

export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}
