/**
 * @module The people of the demo day, with the browsers and addresses they work from. Addresses are
 * from the documentation ranges (RFC 5737), so the demo never names a real network.
 */
import type { Persona } from './session.ts';

const CHROME_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const SAFARI_IPAD =
  'Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/604.1';
const EDGE_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Edg/131.0';

/** The office's egress address, shared by everyone at their desk. */
export const OFFICE_IP = '203.0.113.10';

/** Carol's home address: the demo's "from which IP" answer. */
export const CAROL_HOME_IP = '198.51.100.77';

export const alice: Persona = { userId: 'usr_alice', userAgent: CHROME_MAC, ips: [OFFICE_IP, '192.0.2.14'] };
export const bob: Persona = { userId: 'usr_bob', userAgent: EDGE_WINDOWS, ips: [OFFICE_IP, '198.51.100.23'] };
export const carol: Persona = {
  userId: 'usr_carol',
  userAgent: FIREFOX_LINUX,
  ips: [OFFICE_IP, CAROL_HOME_IP],
};
export const dave: Persona = {
  userId: 'usr_dave',
  userAgent: SAFARI_IPAD,
  ips: ['192.0.2.200', '192.0.2.201'],
};
export const erin: Persona = { userId: 'usr_erin', userAgent: CHROME_MAC, ips: [OFFICE_IP] };
/** Not a user of the account: every request of theirs is refused with 401. */
export const mallory: Persona = { userId: 'usr_mallory', userAgent: 'curl/8.5.0', ips: ['192.0.2.66'] };
