"use strict";
// The queue page: refreshes every few seconds while it is shown, with the filters chosen;
// those refreshes are polls (X-Console-Poll), so a queue left open still times out.

(() => {
  const REFRESH_MS = 3000;
  const { element, link, row, fillTable, duration, when, words, getJson } = frontdesk;
  const filters = document.getElementById("filters");
  let timer = null;

  function query() {
    const params = new URLSearchParams();
    filters.querySelectorAll("select").forEach((select) => {
      Array.from(select.selectedOptions).forEach((option) => {
        if (option.value !== "") params.append(select.name, option.value);
      });
    });
    return params.toString();
  }

  function reference(item) {
    const text = item.reference ?? "(reference not yet issued)";
    return item.openable ? link(`/reports/${encodeURIComponent(item.report_id)}`, text) : element("span", text);
  }

  function assignee(item) {
    return item.assignee_name ?? "unassigned";
  }

  function queueRow(item) {
    const tr = row([
      reference(item), words(item.report_type), item.channel, item.grade, words(item.route),
      words(item.state), words(item.work_state), assignee(item), duration(item.seconds_to_breach), item.warnings.join(", "), item.open_alerts || "",
    ], `state-${item.state}`);
    tr.dataset.reportId = item.report_id;
    return tr;
  }

  function step(alert) {
    return `step ${alert.step + 1}`;
  }

  function showCompliance(figures) {
    const rate = figures.compliance;
    document.getElementById("compliance").textContent = rate === null ? "-" : `${Math.round(rate * 100)}%`;
    document.getElementById("compliance-detail").textContent =
      `${figures.on_time} on time, ${figures.late} late, ${figures.open_overdue} open and overdue`;
  }

  async function refresh(poll = false) {
    const wanted = query();
    const get = (url) => getJson(url, { poll });
    document.getElementById("export").href = `/v1/queue.csv${wanted ? `?${wanted}` : ""}`;
    try {
      const [queue, alerts, breaches, figures] = await Promise.all([
        get(`/v1/queue?${wanted}`), get("/v1/alerts"), get("/v1/breaches"), get("/v1/compliance"),
      ]);
      fillTable("queue", queue.slice(0, 200).map(queueRow));
      document.getElementById("empty").hidden = queue.length > 0;
      fillTable("alerts", alerts.slice(0, 50).map((a) => row([
        words(a.kind), a.reference, a.grade, words(a.route), step(a), when(a.raised_at), a.acknowledged_by ?? "not acknowledged",
      ], `state-${a.state}`)));
      document.getElementById("no-alerts").hidden = alerts.length > 0;
      fillTable("breaches", breaches.slice(0, 20).map((b) => row([
        reference(b), words(b.route), duration(-b.seconds_to_breach),
      ])));
      showCompliance(figures);
      document.getElementById("updated").textContent = `updated ${new Date().toLocaleTimeString()}`;
    } catch (error) {
      document.getElementById("updated").textContent = `not updated: ${error.message}`;
    }
  }

  function start() {
    if (timer === null) timer = setInterval(() => refresh(true), REFRESH_MS);
  }

  function stop() {
    if (timer !== null) clearInterval(timer);
    timer = null;
  }

  document.addEventListener("visibilitychange", () => {
    if (document.hidden) stop();
    else { refresh(); start(); }
  });
  filters.addEventListener("change", () => refresh());
  filters.addEventListener("reset", () => setTimeout(() => refresh(), 0));
  refresh();
  if (!document.hidden) start();
})();
