// @ts-check
'use strict';

/**
 * How Meta signs a webhook delivery, for the callers that play Meta: the jest suites, the bench,
 * the e2e suite and the sandbox's test receiver (sandbox/testing.js).
 *
 * Written from Meta's description ("X-Hub-Signature-256: sha256=" followed by the HMAC-SHA256 of
 * the raw payload bytes keyed with the app secret, in lower-case hex), NOT imported from the
 * node's `webhook/signature.ts`: a test that signed with the node's own code and then checked with
 * the node's own code would pass whatever that code does (hex or base64, raw or re-serialised
 * body). Nor is it the sandbox's own signer, which test/sandbox checks against this one.
 */
const crypto = require('node:crypto');

/**
 * The X-Hub-Signature-256 header value Meta sends with `rawBody`.
 * @param {string | Buffer | Uint8Array} rawBody the exact bytes sent (a string is sent as UTF-8)
 * @param {string} appSecret
 * @returns {string}
 */
function metaSignature(rawBody, appSecret) {
	return `sha256=${crypto.createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

module.exports = { metaSignature };
