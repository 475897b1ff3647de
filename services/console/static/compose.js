"use strict";
// The message editor of a form that writes to the reporter (a reply, a request for
// information, an outcome): pick a standard text, "Use this text" fills the subject and
// message in, staff edit them, "Preview" shows exactly what the reporter will receive.

const frontdeskCompose = (() => {
  const { element, fillList, postJson, getJson, problemText } = frontdesk;

  function preview(fieldset, shown) {
    const box = fieldset.querySelector("[data-part=preview]");
    fillList(box.querySelector("dl").id, [
      ["Goes by", shown.channel ?? "cannot be sent"], ["From", shown.sender === "neutral" ? "the neutral sender" : "the force"],
      ["Text messages", shown.segments], ["Subject", shown.subject],
    ]);
    box.querySelector("[data-part=body]").textContent = shown.body;
    const notes = [shown.problem, ...shown.warnings].filter(Boolean);
    box.querySelector("[data-part=warnings]").replaceChildren(...notes.map((n) => element("li", n, "error")));
    box.hidden = false;
  }

  class Composer {
    constructor(fieldset, reportId, details) {
      this.fieldset = fieldset;
      this.reportId = reportId;
      this.details = details || (() => ({}));
      this.choices = [];
      this.field("template").addEventListener("change", () => this.clearPreview());
      fieldset.querySelector("[data-do=use]").addEventListener("click", () => this.use());
      fieldset.querySelector("[data-do=preview]").addEventListener("click", () => this.show());
    }

    field(name) {
      return this.fieldset.querySelector(`[name=${name}]`);
    }

    problem(text) {
      const box = this.fieldset.querySelector("[data-part=problem]");
      box.textContent = text ?? "";
      box.hidden = !text;
    }

    clearPreview() {
      this.fieldset.querySelector("[data-part=preview]").hidden = true;
    }

    async load(outcome) {
      const url = `/v1/reports/${encodeURIComponent(this.reportId)}/templates?situation=${this.fieldset.dataset.situation}`;
      const offered = await getJson(url);
      this.choices = offered.choices;
      if (offered.language) this.field("language").value = offered.language;
      this.filter(outcome);
      this.fieldset.querySelector("[data-part=neutral]").hidden = !offered.neutral_required;
    }

    // The texts offered (for the outcome chosen); the one picked stays picked if still
    // offered, so a reload of the report (after any action) does not change it underfoot.
    filter(outcome) {
      const select = this.field("template");
      const picked = select.value;
      const shown = this.choices.filter((c) => !outcome || c.outcome === outcome);
      const options = shown.map((c) => {
        const option = element("option", c.title);
        option.value = c.template;
        return option;
      });
      select.replaceChildren(...options);
      if (shown.some((c) => c.template === picked)) select.value = picked;
    }

    asked(edited) {
      const asked = { template: this.field("template").value, language: this.field("language").value, details: this.details() };
      if (edited) Object.assign(asked, { subject: this.field("subject").value, body: this.field("body").value });
      return asked;
    }

    async ask(edited) {
      this.problem(null);
      try {
        return await postJson(`/v1/reports/${encodeURIComponent(this.reportId)}/replies/preview`, this.asked(edited));
      } catch (error) {
        this.problem(problemText(error));
        return null;
      }
    }

    async use() {
      const rendered = await this.ask(false);
      if (rendered === null) return;
      const link = /https?:\/\/\S+\/status\/\S+\?token=\[token\]/;
      this.field("subject").value = rendered.subject ?? "";
      this.field("body").value = rendered.body.replace(link, "{status_link}");
      preview(this.fieldset, rendered);
    }

    async show() {
      const shown = await this.ask(true);
      if (shown !== null) preview(this.fieldset, shown);
    }

    // The message as the command takes it: {template, language, subject, body}.
    message() {
      const { template, language, subject, body } = this.asked(true);
      return { template, language, subject, body };
    }
  }

  return { Composer };
})();
