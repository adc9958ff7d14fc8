// Hubkit dashboard: forms post JSON, deletes ask first, Decode reveals one
// value. Requests are same-origin: the browser's Sec-Fetch-Site header is
// what the server's cross-origin protection checks.
"use strict";
const notice = (text) => { const n = document.getElementById("notice"); n.textContent = text; n.hidden = false; };

async function call(method, url, body) {
  const res = await fetch(url, {
    method, headers: { "Content-Type": "application/json", "Accept": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin",
  });
  if (!res.ok) {
    let message = res.statusText;
    try { message = (await res.json()).message; } catch (e) { /* not JSON */ }
    throw new Error(message);
  }
  return res.status === 200 && res.headers.get("Content-Type") === "application/json" ? res.json() : null;
}

function bodyOf(form) {
  const f = new FormData(form);
  switch (form.dataset.kind) {
    case "pvc":
      return { name: f.get("name"), resourceAmount: Number(f.get("resourceAmount")), storageClassName: f.get("storageClassName"),
               accessModes: [f.get("accessModes")], volumeMode: f.get("volumeMode") };
    case "secret":
      return { name: f.get("name"), data: { [f.get("key")]: f.get("value") } };
    default:
      return JSON.parse(f.get("body"));
  }
}

document.addEventListener("submit", async (ev) => {
  const form = ev.target.closest("form[data-post]");
  if (!form) return;
  ev.preventDefault();
  try {
    await call("POST", form.dataset.post, bodyOf(form));
    location.reload();
  } catch (e) { notice("Not created: " + e.message); }
});

document.addEventListener("click", async (ev) => {
  const del = ev.target.closest("button[data-delete]");
  if (del) {
    if (!confirm("Delete " + del.dataset.name + "? This cannot be undone.")) return;
    try { await call("DELETE", del.dataset.delete); location.reload(); } catch (e) { notice("Not deleted: " + e.message); }
    return;
  }
  const dec = ev.target.closest("button[data-decode]");
  if (dec) {
    try {
      const value = await call("GET", dec.dataset.decode);
      const cell = document.querySelector('td.value[data-key="' + CSS.escape(dec.dataset.key) + '"]');
      cell.textContent = value[dec.dataset.key];
    } catch (e) { notice("Not decoded: " + e.message); }
  }
});
