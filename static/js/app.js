// On every page: register the service worker, send the check-ins kept on this device once online
// (with a fresh CSRF token), say what became of them, and wipe them at logout.
(function () {
  "use strict";

  const queue = self.CheckinQueue;
  const SYNC_URL = "/checkin/sync/";
  const JSON_HEADERS = { Accept: "application/json" };

  // The menu button on narrow screens: Bootstrap's collapse classes, without Bootstrap's 80 KB script.
  document.querySelectorAll(".navbar-toggler[aria-controls]").forEach((button) => {
    const menu = document.getElementById(button.getAttribute("aria-controls"));
    button.addEventListener("click", () => button.setAttribute("aria-expanded", String(menu.classList.toggle("show"))));
  });

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(() => {}); // the site works without it
  }

  // Logging out wipes the kept check-ins first (the logout response also sends Clear-Site-Data).
  document.querySelectorAll("form[data-logout]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const submit = () => form.submit();
      (queue ? queue.clear() : Promise.resolve()).then(submit, submit);
    });
  });

  // Words come from the page (templates/base.html, #app-strings), in the page's language.
  const strings = (document.getElementById("app-strings") || { dataset: {} }).dataset;
  function say(name, values = {}) {
    return (strings[name] || "").replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));
  }

  // English pages write "Monday 3 November", as the server does; other languages their own way.
  function dateLocale() {
    const lang = document.documentElement.lang || "en";
    return lang === "en" ? "en-GB" : lang;
  }

  function dayText(day) {
    const [year, month, date] = day.split("-").map(Number);
    return new Date(year, month - 1, date).toLocaleDateString(dateLocale(), {
      weekday: "long",
      day: "numeric",
      month: "long",
    });
  }

  function statusRegion() {
    let region = document.getElementById("queue-status");
    if (!region) {
      region = document.createElement("div");
      region.id = "queue-status";
      region.setAttribute("role", "status");
      const main = document.querySelector("main");
      main.insertBefore(region, main.firstChild);
    }
    return region;
  }

  function notice(kind, text, key) {
    const region = statusRegion();
    const existing = key && region.querySelector(`[data-key="${CSS.escape(key)}"]`);
    const box = existing || document.createElement("div");
    box.className = `alert alert-${kind}`;
    box.textContent = text;
    if (key) {
      box.dataset.key = key;
    }
    if (!existing) {
      region.appendChild(box);
    }
    return box;
  }

  function showSent(entry, result) {
    const box = notice("success", `${result.message} `, entry.key);
    const link = document.createElement("a");
    link.href = result.url;
    link.textContent = say("seeIt");
    box.appendChild(link);
  }

  // The server refused it (say its day left the 14-day window): it stays on the phone, shown with
  // its answers, until the patient removes it.
  function showRefused(entry) {
    const box = notice(
      "warning",
      `${say("notSent", { day: dayText(entry.day) })} ${entry.message} ${say("stays")}`,
      entry.key,
    );
    if (entry.answers && entry.answers.length) {
      const list = document.createElement("dl");
      list.className = "kept-answers";
      entry.answers.forEach(([heading, text]) => {
        const term = document.createElement("dt");
        term.textContent = heading;
        const value = document.createElement("dd");
        value.textContent = text;
        list.append(term, value);
      });
      box.appendChild(list);
    }
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "btn btn-outline-secondary";
    remove.textContent = say("remove");
    remove.addEventListener("click", async () => {
      await queue.remove(entry.key);
      notice("secondary", say("removed", { day: dayText(entry.day) }), entry.key);
    });
    box.appendChild(remove);
  }

  async function send(entry, token) {
    const body = new URLSearchParams(entry.fields);
    body.set("day", entry.day);
    let response;
    try {
      response = await fetch(SYNC_URL, {
        method: "POST",
        body,
        credentials: "same-origin",
        redirect: "manual",
        headers: { ...JSON_HEADERS, "X-CSRFToken": token },
      });
    } catch (error) {
      return false; // the network went again: it waits for the next try
    }
    if (response.status !== 200 && response.status !== 400) {
      return false;
    }
    const result = await response.json();
    if (result.saved) {
      await queue.remove(entry.key);
      showSent(entry, result);
    } else {
      Object.assign(entry, { status: "refused", message: result.message, answers: result.answers });
      await queue.put(entry);
      showRefused(entry);
    }
    return true;
  }

  function plural(count) {
    return count === 1 ? say("oneKept") : say("manyKept", { count });
  }

  async function flush() {
    const entries = await queue.all();
    if (!entries.length) {
      return;
    }
    if (!navigator.onLine) {
      notice("info", say("whenOnline", { kept: plural(entries.length) }), "waiting");
      return;
    }
    let who;
    try {
      const response = await fetch(SYNC_URL, { credentials: "same-origin", redirect: "manual", headers: JSON_HEADERS });
      if (response.type === "opaqueredirect") {
        notice("info", say("whenLoggedIn", { kept: plural(entries.length) }), "waiting");
        return;
      }
      if (!response.ok) {
        return;
      }
      who = await response.json();
    } catch (error) {
      return;
    }
    await queue.setOwner(who.owner);
    const waiting = statusRegion().querySelector('[data-key="waiting"]');
    if (waiting) {
      waiting.remove();
    }
    for (const entry of entries.filter((each) => each.owner === who.owner)) {
      if (entry.status === "refused") {
        showRefused(entry);
      } else if (!(await send(entry, who.csrfToken))) {
        break;
      }
    }
  }

  let running = Promise.resolve();
  function flushOnce() {
    running = running.then(flush).catch(() => {});
    return running;
  }

  self.CheckinApp = { flush: flushOnce, dayText };
  if (queue) {
    window.addEventListener("online", flushOnce);
    flushOnce();
  }
})();
