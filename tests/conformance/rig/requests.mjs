// The requests a paying agent makes of the gateway, and how the suites read its refusals.
import assert from "node:assert/strict";
import { decode, sessionForm } from "./payments.mjs";

/** The first requirement a gateway's 402 offers for a request. */
export async function requirements(url, path = "/v1/sessions", init = { method: "POST", body: sessionForm() }) {
  const r = await fetch(url + path, init);
  assert.equal(r.status, 402);
  return decode(r.headers.get("PAYMENT-REQUIRED")).accepts[0];
}

export function post(url, signature, form = sessionForm()) {
  return fetch(url + "/v1/sessions", { method: "POST", body: form, headers: { "PAYMENT-SIGNATURE": signature } });
}

/** The documented status and code, and (when given) the scheme rule the refusal names. */
export async function expectRefused(response, status, code, reason = undefined) {
  const body = await response.json();
  assert.equal(response.status, status, JSON.stringify(body));
  assert.equal(body.error.code, code, JSON.stringify(body));
  if (reason) assert.match(body.error.message, new RegExp(`refused: ${reason} `), JSON.stringify(body));
}
