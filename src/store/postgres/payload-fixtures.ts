/**
 * @module Stored payloads as earlier versions wrote them, for the tests that prove they still read.
 */

/**
 * A document deflated by the format-1 encoder (commit b3d1927), kept as its bytes: nothing in this
 * version writes format 1 any more.
 */
export const FORMAT_1_FIXTURE = {
  base64:
    'AUOxBBqrnnll+ZnJqQqHV5YcXqkQoxRoHKOkpAOLHn1Q/BTrJ8bEJOkVpKQp1eqgOA6cPNLiDUF+B8egoYGRSS0OJ1SjRlltLQA=',
  payloads: {
    request: { name: 'Invoice \u00e9t\u00e9 "Q3"', path: '/files/a\\b.pdf' },
    response: { id: 'f_1', size: 1024 },
    before: null,
    after: { enabled: true },
  },
};
