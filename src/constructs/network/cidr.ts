/** A parsed IPv4 CIDR block. @internal */
export interface ParsedCidr {
  /** the network address as an unsigned 32-bit integer */
  readonly network: number;
  /** the prefix length, 0-32 */
  readonly prefix: number;
}

/**
 * Parses `a.b.c.d/n` into network address and prefix. Returns a message (without the prop name)
 * when the text is not a canonical IPv4 CIDR block.
 * @internal
 */
export function parseIpv4Cidr(text: string): ParsedCidr | string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m) {
    return `${JSON.stringify(text)} is not an IPv4 CIDR block; write it as a.b.c.d/n, for example "10.20.0.0/16"`;
  }
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) {
    return `${JSON.stringify(text)} is not an IPv4 CIDR block (octets are 0-255, the prefix 0-32); for example "10.20.0.0/16"`;
  }
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  const network = address - (address % size);
  if (network !== address) {
    return `${JSON.stringify(text)} has host bits set; the block starts at ${formatIpv4(network)}, so write "${formatIpv4(network)}/${prefix}"`;
  }
  return { network, prefix };
}

/** Dotted-quad form of an unsigned 32-bit address. @internal */
export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => (Math.floor(n / 2 ** shift) % 256).toString()).join('.');
}
