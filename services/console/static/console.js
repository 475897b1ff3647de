"use strict";
// What every console page shares: who is signed in, sign-out, requests to the API and
// building the page with textContent only (whatever a reporter wrote stays text).

const frontdesk = (() => {
  class ApiError extends Error {
    constructor(url, status, body) {
      super(`${url}: ${status}`);
      this.status = status;
      this.body = body;
    }
  }

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function link(href, text) {
    const anchor = element("a", text);
    anchor.href = href;
    return anchor;
  }

  function row(values, className) {
    const tr = element("tr", null, className);
    values.forEach((value) => {
      const td = element("td");
      if (value instanceof Node) td.appendChild(value);
      else td.textContent = value === null || value === undefined ? "-" : String(value);
      tr.appendChild(td);
    });
    return tr;
  }

  function fillTable(tableId, rows) {
    document.querySelector(`#${tableId} tbody`).replaceChildren(...rows);
  }

  function fillList(listId, pairs) {
    const list = document.getElementById(listId);
    const nodes = [];
    pairs.forEach(([term, value]) => {
      nodes.push(element("dt", term));
      const dd = element("dd");
      if (value instanceof Node) dd.appendChild(value);
      else dd.textContent = value === null || value === undefined || value === "" ? "-" : String(value);
      nodes.push(dd);
    });
    list.replaceChildren(...nodes);
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return "-";
    const s = Math.abs(Math.round(seconds));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    const text = h ? `${h} h ${m} min` : `${m} min ${s % 60} s`;
    return seconds < 0 ? `overdue ${text}` : text;
  }

  function when(iso) {
    if (!iso) return "-";
    return new Date(iso).toLocaleString([], { dateStyle: "short", timeStyle: "medium" });
  }

  function words(value) {
    return value === null || value === undefined ? "-" : String(value).replaceAll("_", " ");
  }

  function signIn() {
    const next = encodeURIComponent(location.pathname + location.search);
    location.assign(`/auth/login?next=${next}`);
  }

  // A background poll (not the user's doing) says so: it does not keep the session alive.
  async function getJson(url, { poll = false } = {}) {
    const headers = poll ? { "X-Console-Poll": "1" } : {};
    const answer = await fetch(url, { cache: "no-store", credentials: "same-origin", headers });
    if (answer.status === 401) {
      signIn();
      throw new ApiError(url, 401, null);
    }
    const body = (answer.headers.get("content-type") || "").includes("json") ? await answer.json() : null;
    if (!answer.ok) throw new ApiError(url, answer.status, body);
    return body;
  }

  function showFor(roles) {
    document.querySelectorAll("[data-role]").forEach((node) => {
      const allowed = node.dataset.role.split(" ");
      node.hidden = !allowed.some((role) => roles.includes(role));
    });
  }

  async function signedIn() {
    const me = await getJson("/auth/me");
    document.getElementById("who").textContent = `${me.username} (${me.roles.join(", ")})`;
    document.querySelector("#sign-out input[name=csrf_token]").value = me.csrf_token;
    showFor(me.roles);
    return me;
  }

  const me = signedIn();

  // A command: JSON with the session's CSRF token and the submission's Idempotency-Key
  // (the same key again for a retry of the same submission).
  async function postJson(url, body, idempotencyKey) {
    const { csrf_token: csrf } = await me;
    const headers = { "Content-Type": "application/json", "X-CSRF-Token": csrf };
    if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
    const answer = await fetch(url, {
      method: "POST", cache: "no-store", credentials: "same-origin", headers, body: JSON.stringify(body),
    });
    if (answer.status === 401) {
      signIn();
      throw new ApiError(url, 401, null);
    }
    const reply = (answer.headers.get("content-type") || "").includes("json") ? await answer.json() : null;
    if (!answer.ok) throw new ApiError(url, answer.status, reply);
    return reply;
  }

  // What an error answer says, in words: FastAPI's `detail` (a string, or the fields at fault).
  function problemText(error) {
    const detail = error.body ? error.body.detail : null;
    if (typeof detail === "string") return detail;
    if (Array.isArray(detail)) return detail.map((p) => `${(p.loc || []).slice(1).join(".")}: ${p.msg}`).join("; ");
    return error.message;
  }

  return { ApiError, element, link, row, fillTable, fillList, duration, when, words, getJson, postJson, problemText, me };
})();
