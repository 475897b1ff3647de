"use strict";
// The report view: everything known of one report; the contact details masked until
// "Show contact details" asks for them (a disclosure the access log records).

(() => {
  const { element, row, fillTable, fillList, duration, when, words, getJson } = frontdesk;
  const reportId = decodeURIComponent(location.pathname.split("/").pop());
  let dueAt = null;
  const STAFF_EVENTS = new Set([
    "ReportAssigned", "ContactRecorded", "ReplyRequested", "InformationRequested",
    "ReportRegraded", "ReportClosed", "ReportReopened", "NoteAdded",
  ]);

  function yesNo(value) {
    return value === null || value === undefined ? "-" : value ? "yes" : "no";
  }

  function showSummary(report) {
    document.getElementById("title").textContent = report.reference ?? "Report (reference not yet issued)";
    document.title = `frontdesk console: ${report.reference ?? report.report_id}`;
    fillList("summary", [
      ["Reference", report.reference], ["Report id", report.report_id], ["Type", words(report.report_type)],
      ["Received", when(report.received_at)], ["Channel", report.channel], ["Force", report.force_code],
      ["Happening now", yesNo(report.happening_now)], ["Someone in danger", yesNo(report.someone_in_danger)],
    ]);
  }

  function showText(report) {
    document.getElementById("description").textContent = report.description ?? "";
    fillList("answers", Object.entries(report.answers).map(([k, v]) => [words(k), typeof v === "string" ? v : JSON.stringify(v)]));
    const updates = document.getElementById("updates");
    updates.replaceChildren(...report.updates.map((text) => element("div", text, "text")));
  }

  function showClassification(c) {
    if (c === null) {
      fillList("classification", [["Grade", "not yet classified"]]);
      return;
    }
    fillList("classification", [
      ["Grade", c.grade], ["Team", words(c.route)], ["Flags", c.flags.map(words).join(", ")],
      ["Rules fired", c.rules_fired.join(", ")], ["Rules version", c.rules_version],
      ["Model", c.model_version], ["Model score", c.model_score], ["Confidence", c.confidence],
      ["Referral", c.referral], ["Next steps", c.next_steps],
    ]);
    fillTable("thrive", c.thrive.map((t) => row([words(t.dimension), t.level, t.rules.join(", ")])));
  }

  function showContact(contact) {
    if (contact === null) {
      fillList("contact", [["Contact", "anonymous report"]]);
      document.getElementById("reveal").hidden = true;
      return;
    }
    fillList("contact", [
      ["Name", contact.name], ["Email", contact.email], ["Phone", contact.phone],
      ["Preferred channel", contact.preferred_channel], ["Language", contact.language],
      ["Email safe", yesNo(contact.email_safe)], ["Text messages safe", yesNo(contact.sms_safe)],
      ["Safe times", contact.safe_times],
    ]);
    document.getElementById("reveal").hidden = !contact.masked;
  }

  function tick() {
    if (dueAt === null) return;
    document.getElementById("sla-remaining").textContent = duration((dueAt - Date.now()) / 1000);
  }

  function showSla(sla) {
    dueAt = sla.due_at && sla.remaining_seconds !== null ? Date.parse(sla.due_at) : null;
    document.getElementById("sla-remaining").textContent = dueAt === null ? words(sla.state) : duration(sla.remaining_seconds);
    fillList("sla", [
      ["State", words(sla.state)], ["Due", when(sla.due_at)], ["Warnings", sla.warnings.join(", ")], ["Met", when(sla.met_at)],
    ]);
  }

  function replyItem(reply) {
    const item = element("li", null, `reply state-${reply.state}`);
    const at = reply.sent_at ?? reply.delivered_at ?? reply.failed_at;  // a reply never sent failed
    item.appendChild(element("strong", `${when(at)}: reply (${words(reply.reply_kind)}) by ${reply.channel ?? "-"}: ${reply.state}`));
    if (reply.delivered_at) item.appendChild(element("div", `delivered ${when(reply.delivered_at)}`, "muted"));
    if (reply.failure) item.appendChild(element("div", `failed: ${reply.failure}`, "error"));
    if (reply.subject) item.appendChild(element("div", `Subject: ${reply.subject}`));
    if (reply.body) item.appendChild(element("div", reply.body, "text"));
    return { at, node: item };
  }

  // Staff events name who acted in their summary; a note shows its own words.
  function eventItem(entry, notes) {
    const note = entry.event_type === "NoteAdded";
    const item = element("li", null, note ? "note" : STAFF_EVENTS.has(entry.event_type) ? "staff" : "");
    const by = entry.producer;
    item.appendChild(element("strong", `${when(entry.occurred_at)}: ${note ? "Note" : words(entry.event_type)}`));
    item.appendChild(element("span", ` (${by})`, "muted"));
    item.appendChild(element("div", entry.summary));
    const text = notes.get(entry.event_id);
    if (text) item.appendChild(element("div", text, "text"));
    item.dataset.eventId = entry.event_id;
    return { at: entry.occurred_at, node: item };
  }

  function showWork(report) {
    const work = report.work;
    const closure = work.closure;
    fillList("work", [
      ["Work state", words(work.state)], ["Assigned to", work.assignee_name ?? "nobody (the team's queue)"],
      ["Outcome", closure ? words(closure.outcome) : "-"],
    ]);
    fillTable("replies", report.replies.map((r) => row([
      when(r.sent_at), words(r.reply_kind), r.channel, r.state, when(r.delivered_at), r.failure,
    ], `state-${r.state}`)));
  }

  function showTimeline(report) {
    const notes = new Map(report.work.notes.map((n) => [n.done.event_id, n.text]));
    const moments = [...report.timeline.map((e) => eventItem(e, notes)), ...report.replies.map(replyItem)];
    moments.sort((a, b) => (Date.parse(a.at ?? 0) || 0) - (Date.parse(b.at ?? 0) || 0));
    document.getElementById("timeline").replaceChildren(...moments.map((m) => m.node));
    fillTable("alerts", report.alerts.map((a) => row([
      words(a.kind), a.state, `step ${a.step + 1}`, a.told.join(", "), when(a.raised_at), a.acknowledged_by ?? "-",
    ], `state-${a.state}`)));
  }

  async function reveal() {
    try {
      showContact(await getJson(`/v1/reports/${encodeURIComponent(reportId)}/contact`));
    } catch (error) {
      problem(error);
    }
  }

  function problem(error) {
    const box = document.getElementById("problem");
    const detail = error.body && typeof error.body.detail === "string" ? error.body.detail : error.message;
    box.textContent = detail;
    box.hidden = false;
  }

  async function load() {
    try {
      const report = await getJson(`/v1/reports/${encodeURIComponent(reportId)}`);
      showSummary(report);
      showText(report);
      showClassification(report.classification);
      showContact(report.contact);
      showSla(report.sla);
      showTimeline(report);
      showWork(report);
      document.dispatchEvent(new CustomEvent("frontdesk:report", { detail: report }));
    } catch (error) {
      problem(error);
    }
  }

  document.getElementById("reveal").addEventListener("click", reveal);
  document.addEventListener("frontdesk:reload", load);
  setInterval(tick, 1000);
  load();
})();
