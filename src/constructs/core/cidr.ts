/** A parsed IPv4 CIDR block. @internal */
export interface Ipv4Block {
  /** the network address as an unsigned 32-bit integer */
  readonly network: number;
  /** the prefix length, 0-32 */
  readonly prefix: number;
  /** the first address after the block */
  readonly end: number;
}

/**
 * Parses `a.b.c.d/n`. Returns an error message (without the field path) when the text is not a
 * canonical IPv4 CIDR block.
 * @internal
 */
export function parseIpv4Cidr(text: string): Ipv4Block | string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m) return `${JSON.stringify(text)} is not an IPv4 CIDR block; write it as a.b.c.d/n, for example "10.10.0.0/16"`;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) {
    return `${JSON.stringify(text)} is not an IPv4 CIDR block (octets are 0-255, the prefix 0-32); for example "10.10.0.0/16"`;
  }
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  const network = address - (address % size);
  if (network !== address) {
    return `${JSON.stringify(text)} has host bits set; the block starts at ${formatIpv4(network)}, so write "${formatIpv4(network)}/${prefix}"`;
  }
  return { network, prefix, end: network + size };
}

/** Dotted-quad form of an unsigned 32-bit address. @internal */
export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => (Math.floor(n / 2 ** shift) % 256).toString()).join('.');
}

/** Whether two blocks share at least one address. @internal */
export function overlaps(a: Ipv4Block, b: Ipv4Block): boolean {
  return a.network < b.end && b.network < a.end;
}
