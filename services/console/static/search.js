"use strict";
// Finding a report by reference (suggestions when mistyped), by report id and, for
// supervisors, by the reporter's email or phone.

(() => {
  const { element, link, row, fillTable, when, words, getJson, ApiError } = frontdesk;
  const outcome = document.getElementById("outcome");
  const suggestions = document.getElementById("suggestions");
  const results = document.getElementById("results");

  function say(text, className) {
    outcome.textContent = text;
    outcome.className = className ?? "";
  }

  function reportLink(found) {
    return link(`/reports/${encodeURIComponent(found.report_id)}`, found.reference ?? found.report_id);
  }

  function showFound(list) {
    fillTable("results", list.map((f) => row([reportLink(f), words(f.report_type), words(f.route), when(f.received_at)])));
    results.hidden = list.length === 0;
  }

  function offer(references) {
    suggestions.replaceChildren(...references.map((reference) => {
      const item = element("li");
      const button = element("button", reference);
      button.type = "button";
      button.addEventListener("click", () => {
        document.querySelector("#by-reference input").value = reference;
        find(`/v1/search?reference=${encodeURIComponent(reference)}`);
      });
      item.appendChild(button);
      return item;
    }));
  }

  function explain(error) {
    const body = error instanceof ApiError ? error.body : null;
    const detail = body && body.detail;
    const message = Array.isArray(detail) ? detail.map((d) => d.msg).join("; ") : detail || error.message;
    const near = body && Array.isArray(body.suggestions) ? body.suggestions : [];
    say(near.length ? `${message}. Did you mean one of these?` : message, "error");
    offer(near);
  }

  async function find(url) {
    say("searching...");
    offer([]);
    showFound([]);
    try {
      const answer = await getJson(url);
      const list = Array.isArray(answer) ? answer : [answer];
      say(`${list.length} found`);
      showFound(list);
      if (!Array.isArray(answer)) location.assign(`/reports/${encodeURIComponent(answer.report_id)}`);
    } catch (error) {
      explain(error);
    }
  }

  function onSubmit(formId, url) {
    const form = document.getElementById(formId);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const params = new URLSearchParams();
      new FormData(form).forEach((value, name) => { if (String(value).trim()) params.append(name, String(value).trim()); });
      find(`${url}?${params}`);
    });
  }

  onSubmit("by-reference", "/v1/search");
  onSubmit("by-report-id", "/v1/search");
  onSubmit("by-contact", "/v1/search/contact");
})();
