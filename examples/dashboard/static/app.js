// Hubkit dashboard: forms send JSON (POST creates, PUT edits), deletes ask
// first, Decode reveals one value. Requests are same-origin: the browser's
// Sec-Fetch-Site header is what the server's cross-origin protection checks.
"use strict";
const notice = (text) => { const n = document.getElementById("notice"); n.textContent = text; n.hidden = false; };

// A RequestError is a refused request: the API's message, and the fields
// it names ({field: "spec.database", message}), to show next to them.
class RequestError extends Error {
  constructor(message, fields) { super(message); this.fields = fields || []; }
}

async function call(method, url, body) {
  const res = await fetch(url, {
    method, headers: { "Content-Type": "application/json", "Accept": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin",
  });
  if (!res.ok) {
    let message = res.statusText, fields = [];
    try {
      const answer = await res.json();
      message = answer.message || message;
      fields = Array.isArray(answer.fields) ? answer.fields : [];
    } catch (e) { /* not JSON */ }
    throw new RequestError(message, fields);
  }
  return res.status === 200 && res.headers.get("Content-Type") === "application/json" ? res.json() : null;
}

// scalar reads text as a value of a schema's type: integer, number,
// boolean or string.
function scalar(text, type) {
  switch (type) {
    case "integer":
    case "number": {
      const n = Number(text);
      if (text.trim() === "" || !Number.isFinite(n) || (type === "integer" && !Number.isInteger(n))) {
        throw new Error((type === "integer" ? "Not an integer: " : "Not a number: ") + text);
      }
      return n;
    }
    case "boolean":
      if (text !== "true" && text !== "false") throw new Error("Not true or false: " + text);
      return text === "true";
    default:
      return text;
  }
}

// quantity is a Kubernetes quantity: a number, with a binary or decimal
// suffix or an exponent ("4", "500m", "8Gi", "1e3").
const quantity = /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+))?$/;

// valueOf reads one input of a form drawn from a schema: undefined for an
// optional input left empty (a checkbox left as it came). It throws what
// is wrong with a value it cannot read.
function valueOf(el) {
  const required = el.required || el.dataset.required === "true";
  switch (el.dataset.field) {
    case "checkbox":
      return el.checked || el.defaultChecked || required ? el.checked : undefined;
    case "json": {
      const text = el.value.trim();
      if (text === "") return undefined;
      try { return JSON.parse(text); } catch (e) { throw new Error("Not JSON: " + e.message); }
    }
    case "size": {
      // A number of bytes: the number times its unit's bytes, whole.
      const text = el.value.trim();
      if (text === "") return required ? scalar(text, "integer") : undefined;
      const unit = el.form.querySelector('[data-unit-for="' + CSS.escape(el.dataset.path) + '"]');
      const bytes = Number(text) * Number(unit ? unit.value : 1);
      if (!Number.isSafeInteger(bytes) || bytes < 0) throw new Error("Not a whole number of bytes: " + text + (unit ? " " + unit.selectedOptions[0].text : ""));
      return bytes;
    }
    case "jsontext": {
      // A document (a policy, a schema) is sent as the text typed, once it
      // reads as a JSON object; the server checks what it says.
      const text = el.value.trim();
      if (text === "") return required ? text : undefined;
      let doc;
      try { doc = JSON.parse(text); } catch (e) { throw new Error("Not JSON: " + e.message); }
      if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw new Error("Not a JSON object.");
      return text;
    }
    case "quantity": {
      // A quantity is sent as the text typed, once it reads as one.
      const text = el.value.trim();
      if (text === "") return required ? text : undefined;
      if (!quantity.test(text)) throw new Error("Not a quantity: " + text + ". Write a number, with or without a unit: 4, 500m, 8Gi.");
      return text;
    }
    case "multiselect": {
      // The items picked: a list, or one string joining them (data-join)
      // for a field that is a string listing them ("SELECT,INSERT").
      const picked = Array.from(el.selectedOptions, (o) => o.value);
      if (picked.length === 0 && !required) return undefined;
      return el.dataset.join === undefined ? picked : picked.join(el.dataset.join);
    }
    case "list": {
      const items = el.value.split(",").map((item) => item.trim()).filter((item) => item !== "");
      return items.length === 0 && !required ? undefined : items.map((item) => scalar(item, el.dataset.type));
    }
    default:
      return el.value === "" ? undefined : scalar(el.value, el.dataset.type);
  }
}

// pathKeys splits a dotted path ("spec.workspaces[0].role") into its
// keys: names, and the indices of a rows field's items as numbers. A name
// drawn from a schema holds no bracket.
function pathKeys(path) {
  const keys = [];
  for (const part of path.split(".")) {
    const at = part.indexOf("[");
    keys.push(at < 0 ? part : part.slice(0, at));
    if (at >= 0) for (const m of part.slice(at).matchAll(/\[(\d+)\]/g)) keys.push(Number(m[1]));
  }
  return keys;
}

// setPath sets the field at a dotted path ("spec.aws.enableIamAuth",
// "spec.workspaces[0].role") of obj, making the objects and arrays on the
// way. Objects have no prototype: a field named __proto__ is a field like
// any.
function setPath(obj, path, value) {
  const keys = pathKeys(path);
  let at = obj;
  keys.slice(0, -1).forEach((key, n) => {
    const array = typeof keys[n + 1] === "number";
    if (!Object.hasOwn(at, key) || typeof at[key] !== "object" || at[key] === null || Array.isArray(at[key]) !== array) {
      at[key] = array ? [] : Object.create(null);
    }
    at = at[key];
  });
  at[keys[keys.length - 1]] = value;
}

// getKeys returns the field of obj its keys lead to (pathKeys); undefined
// when obj has none.
function getKeys(obj, keys) {
  let at = obj;
  for (const key of keys) {
    if (at === null || typeof at !== "object" || !Object.hasOwn(at, key)) return undefined;
    at = at[key];
  }
  return at;
}

// deletePath removes the field at a dotted path of obj.
function deletePath(obj, path) {
  const keys = pathKeys(path);
  const parent = getKeys(obj, keys.slice(0, -1));
  if (parent !== null && typeof parent === "object") delete parent[keys[keys.length - 1]];
}

// settleRows sends the rows of each rows field of form (data-rows) as
// their field's value: the items its cells made, in order, none where a
// row had no value; as an object of one cell's value by another's for a
// map (data-map-key, data-map-value); nothing at all without a row.
function settleRows(form, body) {
  for (const rows of form.querySelectorAll("[data-rows]")) {
    if (rows.disabled || rows.closest("[hidden]")) continue;
    const path = rows.dataset.rows, got = getKeys(body, pathKeys(path));
    const items = Array.isArray(got) ? got.filter((item) => item !== undefined && item !== null) : [];
    let value = items;
    if (rows.dataset.mapKey !== undefined) {
      value = Object.create(null);
      for (const item of items) {
        if (item[rows.dataset.mapKey] !== undefined) value[item[rows.dataset.mapKey]] = item[rows.dataset.mapValue];
      }
    }
    if (items.length === 0) deletePath(body, path); else setPath(body, path, value);
  }
}

// schemaBody builds the object a form drawn from a schema describes, from
// its inputs' data-path, but those hidden (a fieldset shown only for some
// choice, data-show-if, that is not made). A value it cannot read is a
// RequestError naming its field, and nothing is sent.
function schemaBody(form) {
  const body = Object.create(null), fields = [];
  for (const el of form.querySelectorAll("[data-path]")) {
    if (el.disabled || el.closest("[hidden]")) continue;
    try {
      const value = valueOf(el);
      if (value !== undefined) setPath(body, el.dataset.path, value);
    } catch (e) { fields.push({ field: el.dataset.path, message: e.message }); }
  }
  if (fields.length > 0) throw new RequestError("Check the fields marked.", fields);
  settleRows(form, body);
  return body;
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
      return schemaBody(form);
  }
}

// errorPlaceFor returns the error element of form for field: the one
// whose data-error-for is field, else the one of its nearest parent
// ("spec.policies" for "spec.policies[0]"); null when there is none.
function errorPlaceFor(form, field) {
  let best = null;
  for (const el of form.querySelectorAll("[data-error-for]")) {
    const at = el.dataset.errorFor;
    if (at === field) return el;
    const next = field.charAt(at.length);
    if (field.startsWith(at) && (next === "." || next === "[") && (!best || at.length > best.dataset.errorFor.length)) best = el;
  }
  return best;
}

// clearErrors takes the errors shown in form away.
function clearErrors(form) {
  for (const el of form.querySelectorAll("[data-error-for]")) el.textContent = "";
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  const general = form.querySelector("[data-error-general]");
  if (general) { general.textContent = ""; general.hidden = true; }
}

// showErrors shows a refused request's field messages next to their
// fields and its message, after what failed ("Not created"), at the top of
// form; a form without places for them shows the message in the notice.
function showErrors(form, err, failed) {
  const general = form.querySelector("[data-error-general]");
  if (!general) { notice(failed + ": " + err.message); return; }
  const lines = [failed + ": " + err.message];
  for (const f of err.fields || []) {
    const place = typeof f.field === "string" ? errorPlaceFor(form, f.field) : null;
    if (!place) { lines.push(f.field + ": " + f.message); continue; }
    // An error of a part of the field ("spec.content.Statement[0].Effect"
    // under spec.content) names the part.
    const part = f.field.slice(place.dataset.errorFor.length).replace(/^\./, "");
    const text = part ? part + ": " + f.message : f.message;
    place.textContent = place.textContent ? place.textContent + " " + text : text;
    const input = place.id ? form.querySelector('[aria-describedby~="' + CSS.escape(place.id) + '"]') : null;
    if (input) input.setAttribute("aria-invalid", "true");
  }
  general.textContent = lines.join("\n");
  general.hidden = false;
}

// send sends what form describes to its data-post, with its data-method:
// POST creates (the default), PUT replaces an object's fields. The page
// reloads when the API takes it; else its refusal shows in the form.
async function send(form) {
  clearErrors(form);
  // The browser's own checks first: required, pattern, min, max.
  if (!form.reportValidity()) return;
  const method = form.dataset.method || "POST";
  try {
    await call(method, form.dataset.post, bodyOf(form));
    location.reload();
  } catch (e) { showErrors(form, e, method === "PUT" ? "Not saved" : "Not created"); }
}

document.addEventListener("submit", (ev) => {
  const form = ev.target.closest("form[data-post]");
  if (!form) return;
  ev.preventDefault();
  send(form);
});

// Choosing a policy to start from puts its document in the editor.
document.addEventListener("change", (ev) => {
  const pick = ev.target.closest("select[data-template-for]");
  if (!pick || pick.value === "") return;
  const editor = pick.form.querySelector('[data-path="' + CSS.escape(pick.dataset.templateFor) + '"]');
  if (editor.value.trim() !== "" && !confirm("Replace the policy typed so far?")) { pick.value = ""; return; }
  editor.value = pick.value;
  editor.dispatchEvent(new Event("input", { bubbles: true }));
  pick.value = "";
});

// fillPorts offers, in the port select pick, the ports of the Service
// picked in its Service select (data-ports on its options): the port
// picked stays when the Service has it, else its first is picked, as the
// resource manager does.
function fillPorts(pick, service) {
  const option = service.selectedOptions[0];
  const ports = option && option.dataset.ports ? option.dataset.ports.split(",") : [];
  const was = pick.value;
  let prompt = "Pick a Service first";
  if (service.value !== "") prompt = ports.length === 0 ? "The Service has no port" : "";
  pick.replaceChildren();
  if (prompt !== "") pick.add(new Option(prompt, ""));
  for (const port of ports) pick.add(new Option(port, port));
  pick.value = ports.includes(was) ? was : (ports[0] || "");
}

// Picking a Service fills the select of its ports (data-ports-of); picking
// a choice shows the fieldsets shown only for it (data-show-if), and hides
// and disables the others, whose fields are then neither checked nor sent.
document.addEventListener("change", (ev) => {
  const el = ev.target.closest("select[data-path]");
  if (!el || !el.form) return;
  const path = CSS.escape(el.dataset.path);
  for (const pick of el.form.querySelectorAll('select[data-ports-of="' + path + '"]')) fillPorts(pick, el);
  for (const set of el.form.querySelectorAll('fieldset[data-show-if="' + path + '"]')) {
    const shown = el.value === set.dataset.showValue;
    set.hidden = !shown;
    set.disabled = !shown;
  }
});

// Typing a field fills those filled from it (data-fill-from: the host from
// the name, with its suffix) that the user has not typed; emptying one of
// them has it follow again.
document.addEventListener("input", (ev) => {
  const el = ev.target.closest("[data-path]");
  if (!el || !el.form) return;
  if (el.dataset.fillFrom !== undefined) el.dataset.typed = el.value === "" ? "" : "true";
  for (const to of el.form.querySelectorAll('[data-fill-from="' + CSS.escape(el.dataset.path) + '"]')) {
    if (to.dataset.typed === "true") continue;
    to.value = el.value === "" ? "" : el.value + to.dataset.fillSuffix;
  }
});

// Editing a field takes its error away.
document.addEventListener("input", (ev) => {
  const el = ev.target.closest("[data-path]");
  if (!el || !el.form) return;
  el.removeAttribute("aria-invalid");
  for (const id of (el.getAttribute("aria-describedby") || "").split(" ")) {
    const place = id ? document.getElementById(id) : null;
    if (place && place.dataset.errorFor !== undefined) place.textContent = "";
  }
});

// numberRow numbers row, a row of the rows field at path, as its i-th: the
// paths, ids and error places of its cells index it.
function numberRow(row, path, i) {
  const index = new RegExp(path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "\\[(\\d+|#)\\]", "g");
  for (const el of [row, ...row.querySelectorAll("*")]) {
    for (const attr of ["id", "for", "name", "data-path", "data-error-for", "aria-describedby"]) {
      const v = el.getAttribute(attr);
      if (v !== null) el.setAttribute(attr, v.replace(index, path + "[" + i + "]"));
    }
  }
}

// Add adds a row to a rows field, from its template; Remove removes one,
// and the rows after it are numbered again.
document.addEventListener("click", (ev) => {
  const add = ev.target.closest("button[data-add-row]");
  if (add) {
    const rows = add.closest("[data-rows]");
    const row = rows.querySelector(":scope > template[data-row-template]").content.firstElementChild.cloneNode(true);
    numberRow(row, rows.dataset.rows, rows.querySelectorAll(":scope > [data-row]").length);
    add.before(row);
    const first = row.querySelector("input, select");
    if (first) first.focus();
    return;
  }
  const remove = ev.target.closest("button[data-remove-row]");
  if (remove) {
    const rows = remove.closest("[data-rows]");
    remove.closest("[data-row]").remove();
    rows.querySelectorAll(":scope > [data-row]").forEach((row, i) => numberRow(row, rows.dataset.rows, i));
  }
});

document.addEventListener("click", async (ev) => {
  // A delete that says what goes and what stays asks in its dialog.
  const ask = ev.target.closest("button[data-confirm]");
  if (ask) { document.getElementById(ask.dataset.confirm).showModal(); return; }
  const del = ev.target.closest("button[data-delete]");
  if (del) {
    const dialog = del.closest("dialog");
    if (!dialog && !confirm("Delete " + del.dataset.name + "? This cannot be undone.")) return;
    try {
      await call("DELETE", del.dataset.delete);
      // A detail page goes back to its list (data-then); a list reloads.
      if (del.dataset.then) location.assign(del.dataset.then); else location.reload();
    } catch (e) {
      if (dialog) dialog.close();
      notice("Not deleted: " + e.message);
    }
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
