// "Reminders on this device" (settings page): turn Web Push reminders on or off for this browser.
// Without JavaScript or the Push API the section keeps saying that notifications need a supported
// browser and that email reminders still work; nothing else on the page depends on this script.
(function () {
  "use strict";

  const section = document.querySelector("[data-push]");
  const supported =
    section && window.isSecureContext && "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  if (!supported) {
    return;
  }
  const part = (selector) => section.querySelector(selector);
  const words = {};
  part("template[data-push-words]").content.querySelectorAll("[data-word]").forEach((word) => {
    words[word.dataset.word] = word.textContent;
  });
  const on = part("[data-push-on]");
  const off = part("[data-push-off]");
  const status = part("[data-push-status]");
  const known = (section.dataset.known || "").split(" ").filter(Boolean);

  class Refused extends Error {}

  function say(text) {
    status.textContent = text;
  }

  function show(subscribed) {
    on.hidden = subscribed;
    off.hidden = !subscribed;
  }

  function keyBytes(base64url) {
    const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(base64url.length / 4) * 4, "=");
    return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  }

  async function hash(text) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // The service worker, registered by app.js; given up on after a while so the page can say so.
  function worker() {
    navigator.serviceWorker.register("/sw.js").catch(() => {});
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error("no service worker")), 10000));
    return Promise.race([navigator.serviceWorker.ready, timeout]);
  }

  async function post(url, body) {
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": part("input[name=csrfmiddlewaretoken]").value,
        },
        body: JSON.stringify(body),
      });
    } catch (error) {
      throw new Refused(words.server);
    }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new Refused(data.error || words.server);
    }
    return data;
  }

  function sameKey(subscription, key) {
    const current = subscription.options && subscription.options.applicationServerKey;
    if (!current) {
      return true;
    }
    const bytes = new Uint8Array(current);
    return bytes.length === key.length && bytes.every((b, i) => b === key[i]);
  }

  async function turnOn() {
    on.disabled = true;
    say(words.asking);
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        say(words.denied);
        return;
      }
      const registration = await worker();
      const key = keyBytes(section.dataset.publicKey);
      let subscription = await registration.pushManager.getSubscription();
      if (subscription && !sameKey(subscription, key)) {
        await subscription.unsubscribe(); // made with an older key pair
        subscription = null;
      }
      subscription =
        subscription || (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }));
      const data = await post(section.dataset.subscribeUrl, subscription.toJSON());
      show(true);
      say(data.message || words.on);
    } catch (error) {
      say(error instanceof Refused ? error.message : words.failed);
    } finally {
      on.disabled = false;
    }
  }

  async function turnOff() {
    off.disabled = true;
    try {
      const registration = await worker();
      const subscription = await registration.pushManager.getSubscription();
      if (subscription) {
        const data = await post(section.dataset.unsubscribeUrl, { endpoint: subscription.endpoint });
        await subscription.unsubscribe();
        say(data.message || words.off);
      } else {
        say(words.off);
      }
      show(false);
    } catch (error) {
      say(error instanceof Refused ? error.message : words.failed);
    } finally {
      off.disabled = false;
    }
  }

  part("[data-push-unsupported]").hidden = true;
  part("[data-push-controls]").hidden = false;
  on.addEventListener("click", turnOn);
  off.addEventListener("click", turnOff);

  // On only if this browser has a subscription that this account has on record: one made before a
  // sign-in ended is offered again rather than shown as on.
  if (Notification.permission === "granted") {
    worker()
      .then((registration) => registration.pushManager.getSubscription())
      .then(async (subscription) => show(Boolean(subscription) && known.includes(await hash(subscription.endpoint))))
      .catch(() => {});
  }
})();
