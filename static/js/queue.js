// Check-ins kept on this device while offline, in IndexedDB. Used by the pages (app.js,
// checkin.js) and by the service worker, so both keep them the same way.
//
// An entry: {key, owner, day: "YYYY-MM-DD", fields: {name: value}, savedAt, status, message}.
// `owner` is an opaque tag of the patient who saved it (never a name): a check-in is only ever
// sent while that same patient is logged in. One entry per patient and day: saving the day again
// replaces it, as it does on the server.
(function (scope) {
  "use strict";

  const DB_NAME = "wellness-tracker";
  const ENTRIES = "checkins";
  const META = "meta";

  function open() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore(ENTRIES, { keyPath: "key" });
        request.result.createObjectStore(META);
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function run(store, mode, work) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(store, mode);
      const request = work(transaction.objectStore(store));
      transaction.oncomplete = () => {
        db.close();
        resolve(request ? request.result : undefined);
      };
      transaction.onerror = transaction.onabort = () => {
        db.close();
        reject(transaction.error);
      };
    });
  }

  function pad(number) {
    return String(number).padStart(2, "0");
  }

  scope.CheckinQueue = {
    put(entry) {
      entry.key = `${entry.owner}|${entry.day}`;
      return run(ENTRIES, "readwrite", (store) => store.put(entry));
    },
    all() {
      return run(ENTRIES, "readonly", (store) => store.getAll());
    },
    remove(key) {
      return run(ENTRIES, "readwrite", (store) => store.delete(key));
    },
    // Logging out: nothing of the patient's stays on the device.
    async clear() {
      await run(ENTRIES, "readwrite", (store) => store.clear());
      await run(META, "readwrite", (store) => store.clear());
    },
    // The patient last seen logged in on this device, for a check-in saved from the offline copy.
    owner() {
      return run(META, "readonly", (store) => store.get("owner"));
    },
    setOwner(owner) {
      return run(META, "readwrite", (store) => store.put(owner, "owner"));
    },
    // The calendar day on this device: the day an offline check-in is for.
    localDay(date) {
      return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
    },
  };
})(self);
