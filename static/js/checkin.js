// The check-in form, for a thumb: quick choices and quarter-hour steps for sleep, - / + for
// servings, "Same as yesterday", and saving on the device when there is no connection.
// Without this script the form still works: a select, radio buttons and number boxes.
(function () {
  "use strict";

  const form = document.querySelector("form[data-checkin-form]");
  if (!form) {
    return;
  }
  const queue = self.CheckinQueue;
  const message = form.querySelector("[data-queue-message]");

  // Its words come from the form's data-say-* attributes (templates/tracker/checkin/_form.html), in the page's language.
  function say(text) {
    message.textContent = text;
  }

  function changed(control) {
    control.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // Sleep hours: the quick choices set the select; a chip shows pressed while it is the answer.
  form.querySelectorAll("[data-quick-for]").forEach((group) => {
    const select = document.getElementById(group.dataset.quickFor);
    const chips = group.querySelectorAll("button[data-value]");
    const show = () => chips.forEach((chip) => chip.setAttribute("aria-pressed", String(chip.dataset.value === select.value)));
    chips.forEach((chip) =>
      chip.addEventListener("click", () => {
        select.value = chip.dataset.value;
        changed(select);
      }),
    );
    select.addEventListener("change", show);
    group.hidden = false;
    show();
  });

  // - / +: a quarter hour for the hours select, one serving for a number box.
  function step(control, by) {
    if (control.tagName === "SELECT") {
      if (control.value === "") {
        return;
      }
      const quarters = Number(control.value) * 4;
      const next = by > 0 ? Math.floor(quarters) + 1 : Math.ceil(quarters) - 1;
      control.value = String(Math.min(Math.max(next, 0), 96) / 4);
    } else {
      const low = Number(control.min || 0);
      const high = Number(control.max || Infinity);
      if (control.value === "") {
        control.value = by > 0 ? String(low + 1) : "";
      } else {
        control.value = String(Math.min(Math.max(Math.round(Number(control.value)) + by, low), high));
      }
    }
    changed(control);
  }

  form.querySelectorAll("[data-stepper]").forEach((stepper) => {
    const control = stepper.querySelector("select, input");
    const buttons = stepper.querySelectorAll("button[data-step]");
    const update = () => {
      if (control.tagName === "SELECT") {
        buttons.forEach((button) => (button.disabled = control.value === ""));
      }
    };
    buttons.forEach((button) => {
      button.hidden = false;
      button.addEventListener("click", () => step(control, Number(button.dataset.step)));
    });
    control.addEventListener("change", update);
    update();
  });

  // "Same as yesterday": fill the form for the patient to check. It never saves by itself.
  const fill = form.querySelector("[data-fill]");
  if (fill) {
    fill.addEventListener("click", (event) => {
      event.preventDefault();
      Object.entries(JSON.parse(fill.dataset.fill)).forEach(([name, value]) => {
        const control = form.elements[name];
        if (control) {
          control.value = value;
          changed(control.length && !control.tagName ? control[0] : control);
        }
      });
      say(form.dataset.sayFilled.replace("{day}", fill.dataset.fillLabel));
    });
  }

  if (!queue) {
    return;
  }
  if (form.dataset.owner) {
    queue.setOwner(form.dataset.owner);
  }

  // The offline copy of the form: today's date, and a check-in the worker kept for us.
  const date = document.querySelector("[data-today-date]");
  if (date) {
    date.textContent = self.CheckinApp.dayText(queue.localDay(new Date()));
  }
  if (new URLSearchParams(location.search).has("kept")) {
    say(form.dataset.sayKept);
  }

  function factorFields(data) {
    const names = new Set();
    form.querySelectorAll("[data-factor] [name]").forEach((control) => names.add(control.name));
    return [...names].some((name) => (data[name] || "") !== "");
  }

  // No connection: keep the check-in on this device instead of posting it.
  form.addEventListener("submit", async (event) => {
    if (!form.hasAttribute("data-offline") && navigator.onLine) {
      return; // the ordinary post: the server answers
    }
    event.preventDefault();
    const fields = {};
    new FormData(form).forEach((value, name) => {
      if (name !== "csrfmiddlewaretoken") {
        fields[name] = value;
      }
    });
    if (event.submitter && event.submitter.name && event.submitter.name !== "save") {
      fields[event.submitter.name] = event.submitter.value;
    }
    if (!factorFields(fields)) {
      say(form.dataset.emptyMessage);
      return;
    }
    const owner = form.dataset.owner || (await queue.owner());
    if (!owner) {
      say(form.dataset.sayLogInFirst);
      return;
    }
    const day = form.dataset.day || queue.localDay(new Date());
    await queue.put({ owner, day, fields, savedAt: Date.now(), status: "waiting" });
    say(form.dataset.sayKept);
    if (navigator.onLine) {
      self.CheckinApp.flush();
    }
  });
})();
