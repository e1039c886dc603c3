/**
 * Allowed source addresses of an auth header (`allowedCidrs`): parsing, normalizing and matching
 * with ipaddr.js, not hand-written bit arithmetic. Strict on input (four-part decimal IPv4, no
 * IPv6 zone, a decimal prefix in range), so what is stored is exactly what matches.
 */
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
/** A parsed range: the network address and its prefix length. */
export type AddressRange = [Address, number];

const PREFIX = /^\d{1,3}$/;

/**
 * The CIDR in its canonical form (network address, compact IPv6, IPv4-mapped IPv6 ranges as IPv4),
 * or undefined when it is not a valid IPv4/IPv6 CIDR. A bare address is a one-address range.
 */
export function normalizeCidr(text: string): string | undefined {
  const [addressText, prefixText, ...rest] = text.split('/');
  if (rest.length > 0 || addressText === undefined) return undefined;
  let address: Address;
  if (ipaddr.IPv4.isValidFourPartDecimal(addressText)) address = ipaddr.IPv4.parse(addressText);
  else if (ipaddr.IPv6.isValid(addressText) && !addressText.includes('%')) address = ipaddr.IPv6.parse(addressText);
  else return undefined;
  const bits = address.kind() === 'ipv4' ? 32 : 128;
  if (prefixText !== undefined && !PREFIX.test(prefixText)) return undefined;
  let prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return undefined;
  if (address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress() && prefix >= 96) {
    address = address.toIPv4Address();
    prefix -= 96;
  }
  const network = address.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${prefix}`) : ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${prefix}`);
  return `${network.toString()}/${prefix}`;
}

/** Stored (normalized) CIDRs, parsed once for matching. */
export function parseRanges(cidrs: readonly string[]): AddressRange[] {
  return cidrs.map((cidr) => ipaddr.parseCIDR(cidr) as AddressRange);
}

/** True when `sourceIp` lies in one of the ranges; an unknown or unparsable address never does. */
export function isAllowedFrom(sourceIp: string | undefined, ranges: readonly AddressRange[]): boolean {
  if (sourceIp === undefined || !ipaddr.isValid(sourceIp)) return false;
  // process(): an IPv4-mapped IPv6 source (::ffff:192.0.2.1, as a dual-stack socket reports it) as IPv4.
  const address = ipaddr.process(sourceIp);
  return ranges.some(([network, prefix]) => network.kind() === address.kind() && (address as ipaddr.IPv4).match(network as ipaddr.IPv4, prefix));
}
