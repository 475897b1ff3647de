"use strict";
// The report page's actions: one form per action the API offers for this report and this
// member of staff (`allowed_actions` of the report view; none shown if it says nothing).
// Each submission carries an Idempotency-Key, kept while the form is unchanged so that a
// retry of the same submission is the same command; an error is shown beside its form.

(() => {
  const { element, getJson, postJson, problemText } = frontdesk;
  const { Composer } = frontdeskCompose;
  const reportId = decodeURIComponent(location.pathname.split("/").pop());
  const base = `/v1/reports/${encodeURIComponent(reportId)}`;
  const panel = document.getElementById("actions");
  const form = (action) => panel.querySelector(`form[data-action=${action}]`);
  const value = (f, name) => f.querySelector(`[name=${name}]`).value.trim();
  const optional = (text) => (text === "" ? null : text);
  const composers = {};

  const commands = {
    claim: () => ["/claim", {}],
    assign: (f) => ["/assign", { assignee_user_id: optional(value(f, "assignee")) }],
    record_contact: (f) => ["/contacts", {
      way: value(f, "way"), reached: f.querySelector("[name=reached]").checked, note: value(f, "note"),
      contacted_at: value(f, "contacted_at") ? new Date(value(f, "contacted_at")).toISOString() : null,
    }],
    send_reply: () => ["/replies", composers.send_reply.message()],
    request_information: (f) => ["/information-requests", { question: value(f, "question"), ...composers.request_information.message() }],
    regrade: (f) => ["/regrade", { grade: Number(value(f, "grade")), route: value(f, "route"), reason: value(f, "reason") }],
    close: (f) => ["/close", { outcome: value(f, "outcome"), ...outcomeDetails(f), reply: closingMessage(f) }],
    reopen: (f) => ["/reopen", { reason: value(f, "reason") }],
    add_note: (f) => ["/notes", { text: value(f, "text") }],
  };

  function outcomeDetails(f) {
    const details = {};
    ["crime_reference", "reason_code", "agency", "duplicate_of"].forEach((name) => {
      const field = f.querySelector(`[name=${name}]`);
      if (!field.closest("label").hidden && field.value.trim()) details[name] = field.value.trim();
    });
    return details;
  }

  function closingMessage(f) {
    const fieldset = f.querySelector("fieldset.compose");
    return fieldset.hidden || !value(f, "body") ? null : composers.close.message();
  }

  function showProblem(f, text) {
    const box = f.querySelector("[data-part=result]");
    box.textContent = text ?? "";
    box.className = text ? "error" : "muted";
  }

  async function submit(event) {
    event.preventDefault();
    const f = event.target;
    f.dataset.key = f.dataset.key || crypto.randomUUID();
    const [path, body] = commands[f.dataset.action](f);
    showProblem(f, null);
    try {
      const done = await postJson(base + path, body, f.dataset.key);
      delete f.dataset.key;
      f.reset();
      f.querySelector("[data-part=result]").textContent = `done: ${done.event_type} (action ${done.action_number})`;
      document.dispatchEvent(new CustomEvent("frontdesk:reload"));
    } catch (error) {
      showProblem(f, problemText(error));
    }
  }

  function followOutcome(f) {
    const outcome = value(f, "outcome");
    const needs = { crime_recorded: "crime_reference", no_further_action: "reason_code", referred: "agency", duplicate: "duplicate_of" };
    ["crime_reference", "reason_code", "agency", "duplicate_of"].forEach((name) => {
      f.querySelector(`[name=${name}]`).closest("label").hidden = needs[outcome] !== name;
    });
    composers.close.filter(outcome);
  }

  async function colleagues(team) {
    const select = form("assign").querySelector("[name=assignee]");
    const back = element("option", "Back to the team's queue");
    back.value = "";
    try {
      const people = await getJson(`/v1/staff?team=${encodeURIComponent(team)}`);
      const options = people.map((p) => {
        const option = element("option", p.username);
        option.value = p.user_id;
        return option;
      });
      select.replaceChildren(back, ...options);
    } catch (error) {
      select.replaceChildren(back);
      showProblem(form("assign"), problemText(error));
    }
  }

  function show(report) {
    const allowed = Array.isArray(report.allowed_actions) ? report.allowed_actions : [];
    panel.querySelectorAll("form[data-action]").forEach((f) => { f.hidden = !allowed.includes(f.dataset.action); });
    panel.hidden = allowed.length === 0;
    const route = report.route;
    if (allowed.includes("assign") && route) colleagues(route);
    Object.entries(composers).forEach(([action, composer]) => {
      if (allowed.includes(action)) composer.load(action === "close" ? value(form("close"), "outcome") : null).catch((e) => composer.problem(problemText(e)));
    });
    const closing = form("close").querySelector("fieldset.compose");
    closing.hidden = report.contact === null;
  }

  ["send_reply", "request_information", "close"].forEach((action) => {
    const f = form(action);
    const details = action === "close" ? () => outcomeDetails(f) : undefined;
    composers[action] = new Composer(f.querySelector("fieldset.compose"), reportId, details);
  });
  panel.querySelectorAll("form[data-action]").forEach((f) => {
    f.addEventListener("submit", submit);
    f.addEventListener("input", () => { delete f.dataset.key; });  // changed: a new submission
  });
  form("close").querySelector("[name=outcome]").addEventListener("change", () => followOutcome(form("close")));
  form("close").addEventListener("reset", () => setTimeout(() => followOutcome(form("close")), 0));
  followOutcome(form("close"));
  document.addEventListener("frontdesk:report", (event) => show(event.detail));
})();
