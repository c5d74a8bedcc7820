import { isIPv4, isIPv6 } from 'node:net';

/** `10.40.2.0/24` or `fd00::/8`: an IP address and a prefix length that fits its family. */
export function isCidr(value: string): boolean {
  const [address = '', prefix, ...rest] = value.split('/');
  if (prefix === undefined || rest.length > 0 || !/^\d{1,3}$/.test(prefix)) return false;
  const bits = isIPv4(address) ? 32 : isIPv6(address) ? 128 : -1;
  return Number(prefix) <= bits;
}

/** A /0 block is every address: allowing it is the open egress these options exist to avoid. */
export function isEverywhere(value: string): boolean {
  return /\/0+$/.test(value);
}
