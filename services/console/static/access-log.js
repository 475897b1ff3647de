"use strict";
// The access log, newest first, narrowed to a user or a report (for auditors).

(() => {
  const { row, fillTable, when, words, getJson } = frontdesk;
  const form = document.getElementById("filter");
  const outcome = document.getElementById("outcome");

  async function load() {
    const params = new URLSearchParams();
    new FormData(form).forEach((value, name) => { if (String(value).trim()) params.append(name, String(value).trim()); });
    try {
      const { entries } = await getJson(`/v1/access-log?${params}`);
      fillTable("entries", entries.map((e) => row([
        when(e.at), words(e.action), e.username, (e.roles || []).join(", "), e.report_id, e.reference,
        (e.shown || []).join(", "), e.matches, e.detail,
      ])));
      outcome.textContent = `${entries.length} entries`;
      outcome.className = "";
    } catch (error) {
      outcome.textContent = error.body && typeof error.body.detail === "string" ? error.body.detail : error.message;
      outcome.className = "error";
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });
  load();
})();
